from datetime import datetime, timedelta
from typing import Any

from paylinks.db.pages import newest_first
from paylinks.db.sql import fetch
from paylinks.messages.model import Channel, Message, MessageKind, MessageStatus, Transport
from paylinks.messages.tables import MessageTable
from paylinks.pagination import Window

_COLUMNS = (
    MessageTable.id,
    MessageTable.payment_link_id,
    MessageTable.channel,
    MessageTable.recipient,
    MessageTable.status,
    MessageTable.transport,
    MessageTable.subject,
    MessageTable.body_text,
    MessageTable.error,
    MessageTable.attempts,
    MessageTable.created_at,
    MessageTable.sent_at,
    MessageTable.kind,
    MessageTable.payment_id,
    MessageTable.refund_id,
    MessageTable.locale,
)


def _message(row: dict[str, Any]) -> Message:
    return Message(
        **{
            **row,
            "channel": Channel(row["channel"]),
            "status": MessageStatus(row["status"]),
            "transport": Transport(row["transport"]) if row["transport"] else None,
            "kind": MessageKind(row["kind"]),
        }
    )


async def insert(message: Message, store_id: str, lease_until: datetime) -> None:
    await MessageTable.insert(
        MessageTable(
            id=message.id,
            store_id=store_id,
            payment_link_id=message.payment_link_id,
            channel=message.channel.value,
            recipient=message.recipient,
            status=message.status.value,
            transport=None,
            subject=None,
            body_text=None,
            error=None,
            provider_id=None,
            attempts=0,
            lease_until=lease_until,
            created_at=message.created_at,
            sent_at=None,
            kind=message.kind.value,
            payment_id=message.payment_id,
            refund_id=message.refund_id,
            locale=message.locale,
        )
    )


async def get(message_id: str) -> tuple[Message, str] | None:
    row = (
        await MessageTable.select(*_COLUMNS, MessageTable.store_id)
        .where(MessageTable.id == message_id)
        .first()
    )
    if row is None:
        return None
    store_id = row.pop("store_id")
    return _message(row), store_id


async def list_for_link(store_id: str, link_id: str, window: Window) -> list[Message]:
    """The link's sends (not the receipts of its payments)."""
    scope = (
        (MessageTable.store_id == store_id)
        & (MessageTable.payment_link_id == link_id)
        & (MessageTable.kind == MessageKind.LINK.value)
    )
    rows = await newest_first(MessageTable.select(*_COLUMNS), MessageTable.id, scope, window)
    return [_message(row) for row in rows]


async def list_for_payment(store_id: str, payment_id: str, window: Window) -> list[Message]:
    scope = (MessageTable.store_id == store_id) & (MessageTable.payment_id == payment_id)
    rows = await newest_first(MessageTable.select(*_COLUMNS), MessageTable.id, scope, window)
    return [_message(row) for row in rows]


async def claim_queued(now: datetime, lease: timedelta, limit: int) -> list[str]:
    rows = await fetch(
        "UPDATE message SET lease_until = {} WHERE id IN (SELECT id FROM message "
        "WHERE status = 'queued' AND (lease_until IS NULL OR lease_until < {}) "
        "ORDER BY id LIMIT {}) AND status = 'queued' "
        "AND (lease_until IS NULL OR lease_until < {}) RETURNING id",
        now + lease,
        now,
        limit,
        now,
    )
    return [row["id"] for row in rows]


async def finish(
    message_id: str,
    attempts: int,
    status: MessageStatus,
    transport: Transport | None,
    subject: str,
    body_text: str,
    error: str | None,
    provider_id: str | None,
    sent_at: datetime | None,
    retry_at: datetime | None,
) -> None:
    await MessageTable.update(
        {
            MessageTable.status: status.value,
            MessageTable.transport: transport.value if transport else None,
            MessageTable.subject: subject,
            MessageTable.body_text: body_text,
            MessageTable.error: error,
            MessageTable.provider_id: provider_id,
            MessageTable.attempts: attempts,
            MessageTable.sent_at: sent_at,
            MessageTable.lease_until: retry_at,
        }
    ).where((MessageTable.id == message_id) & (MessageTable.status == MessageStatus.QUEUED.value))
