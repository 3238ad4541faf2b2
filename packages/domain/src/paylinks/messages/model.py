"""Sending a link: the recipient rules and the message's text and HTML, pure."""

import html
from datetime import datetime
from enum import StrEnum

import msgspec

from paylinks.errors import FieldError, ValidationFailed
from paylinks.links.model import AmountType, PaymentLink
from paylinks.money import format_amount
from paylinks.phones import to_e164
from paylinks.stores.model import normalize_email

MAX_ATTEMPTS = 5


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class MessageKind(StrEnum):
    #: A link sent by its merchant (``POST …/send``).
    LINK = "link"
    #: To the customer who paid, with an email, when the store has receipts on.
    RECEIPT = "receipt"
    #: To the same customer, when a refund of that payment succeeds.
    REFUND_NOTICE = "refund_notice"


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Transport(StrEnum):
    SMTP = "smtp"
    TWILIO = "twilio"
    #: Nothing is configured to send: kept in the local outbox, not delivered.
    OUTBOX = "outbox"


class Message(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    payment_link_id: str
    channel: Channel
    recipient: str
    status: MessageStatus
    transport: Transport | None
    subject: str | None
    body_text: str | None
    error: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    kind: MessageKind = MessageKind.LINK
    payment_id: str | None = None
    refund_id: str | None = None
    #: The language of a receipt or notice (the checkout's when the customer paid).
    locale: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is MessageStatus.SENT and self.transport is not Transport.OUTBOX


def recipient_of(email: str | None, phone: str | None, region: str) -> tuple[Channel, str]:
    """Exactly one of email or phone, normalised (E.164 for phones, read in ``region``, the
    store's country, unless they start with +)."""
    if (email is None) == (phone is None):
        raise ValidationFailed(
            [
                FieldError("email", "Give exactly one of email or phone."),
                FieldError("phone", "Give exactly one of email or phone."),
            ]
        )
    if email is not None:
        return Channel.EMAIL, normalize_email("email", email)
    assert phone is not None
    try:
        return Channel.SMS, to_e164(phone, region)
    except ValueError as error:
        raise ValidationFailed([FieldError("phone", str(error))]) from None


class Rendered(msgspec.Struct, frozen=True):
    subject: str
    text: str
    html: str
    sms: str


def amount_line(link: PaymentLink) -> str:
    if link.amount_type is AmountType.FIXED and link.amount is not None:
        return format_amount(link.amount, link.currency)
    low, high = link.min_amount, link.max_amount
    if low is not None and high is not None:
        return (
            f"an amount of your choice from {format_amount(low, link.currency)} "
            f"to {format_amount(high, link.currency)}"
        )
    return "an amount of your choice"


def render(link: PaymentLink, merchant: str, url: str) -> Rendered:
    amount = amount_line(link)
    subject = f"{merchant}: {link.title}"[:300]
    text = (
        f"{merchant} has sent you a payment link.\n\n{link.title}\n"
        f"{link.description + chr(10) if link.description else ''}"
        f"Amount: {amount}\n\nPay securely here: {url}\n"
    )
    e = html.escape
    description = f"<p>{e(link.description)}</p>" if link.description else ""
    body_html = (
        '<!doctype html><html><body style="font-family:sans-serif;color:#111">'
        f"<p>{e(merchant)} has sent you a payment link.</p>"
        f'<h2 style="margin:0 0 8px">{e(link.title)}</h2>{description}'
        f"<p><strong>Amount:</strong> {e(amount)}</p>"
        f'<p><a href="{e(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        f'background:#111;color:#fff;text-decoration:none;border-radius:6px">Pay now</a></p>'
        f'<p style="color:#555;font-size:12px">{e(url)}</p></body></html>'
    )
    sms = f"{merchant}: {link.title} – {amount}. Pay: {url}"
    return Rendered(subject=subject, text=text, html=body_html, sms=sms)
