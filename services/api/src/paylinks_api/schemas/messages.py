from datetime import datetime

import msgspec

from paylinks.messages.model import Channel, Message, MessageKind, MessageStatus, Transport


class SendLink(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: str | None = None
    phone: str | None = None


class MessageOut(msgspec.Struct, kw_only=True):
    id: str
    payment_link_id: str
    channel: Channel
    recipient: str
    status: MessageStatus
    transport: Transport | None
    delivered: bool
    error: str | None
    subject: str | None
    body: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    #: link: a send of the link; receipt / refund_notice: to the customer of ``payment_id``.
    kind: MessageKind
    payment_id: str | None

    @classmethod
    def of(cls, m: Message) -> "MessageOut":
        return cls(
            id=m.id,
            payment_link_id=m.payment_link_id,
            channel=m.channel,
            recipient=m.recipient,
            status=m.status,
            transport=m.transport,
            delivered=m.delivered,
            error=m.error,
            subject=m.subject,
            body=m.body_text,
            attempts=m.attempts,
            created_at=m.created_at,
            sent_at=m.sent_at,
            kind=m.kind,
            payment_id=m.payment_id,
        )
