"""Use cases of sending a link: queue a message (202), send it from a worker job with
retries on transient failures, list a link's sends; and the email of a sign-up."""

import logging
from datetime import datetime, timedelta
from typing import Any

from paylinks.errors import Conflict, NotFound
from paylinks.ids import Prefix, new_id
from paylinks.links import repository as links
from paylinks.links.model import LinkStatus, PublicUrls
from paylinks.messages import repository, sender
from paylinks.messages.accounts import render_confirmation, render_existing_account
from paylinks.messages.model import (
    MAX_ATTEMPTS,
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    Rendered,
    Transport,
    recipient_of,
    render,
)
from paylinks.messages.receipts import Paid
from paylinks.messages.receipts import render as render_receipt
from paylinks.pagination import Page, Window, page_of
from paylinks.payments import repository as payments
from paylinks.payments.model import Payment
from paylinks.refunds import repository as refunds
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.stores import repository as stores
from paylinks.stores.model import Principal, Store
from paylinks.stores.service import SignUpRequest, require_payments
from paylinks.stores.signup import confirm_url, login_url, masked, seal

log = logging.getLogger(__name__)

#: A sender's hold on a queued message; also the wait before a retry.
LEASE = timedelta(seconds=60)
RETRY_BACKOFF = (
    timedelta(seconds=10),
    timedelta(seconds=60),
    timedelta(minutes=5),
    timedelta(minutes=30),
)


async def queue_send(
    principal: Principal, link_id: str, email: str | None, phone: str | None, now: datetime
) -> Message:
    require_payments(principal)
    link = await links.get(principal.store_id, link_id)
    if link is None:
        raise NotFound("No such payment link.")
    if link.status(now) is not LinkStatus.ACTIVE:
        raise Conflict("Only an active link can be sent.", code="link_not_active")
    store = await stores.get_store(principal.store_id)
    assert store is not None
    channel, recipient = recipient_of(email, phone, store.country)
    return await _queue(principal.store_id, Message(**_new(link.id, channel, recipient, now)))


def _new(link_id: str, channel: Channel, recipient: str, now: datetime) -> dict[str, Any]:
    """The fields of a message not tried yet."""
    return {
        "id": new_id(Prefix.MESSAGE),
        "payment_link_id": link_id,
        "channel": channel,
        "recipient": recipient,
        "status": MessageStatus.QUEUED,
        "transport": None,
        "subject": None,
        "body_text": None,
        "error": None,
        "attempts": 0,
        "created_at": now,
        "sent_at": None,
    }


async def _queue(store_id: str, message: Message) -> Message:
    # Leased until now: the next scheduler pass picks it up.
    await repository.insert(message, store_id, message.created_at)
    return message


async def queue_customer_message(
    payment: Payment, kind: MessageKind, now: datetime, refund_id: str | None = None
) -> Message | None:
    """A receipt (or refund notice) to the customer of ``payment``, when they gave an email
    and the store has receipts on; queued in the caller's transaction, sent like any send
    (the same jobs, retries and local outbox)."""
    email = payment.customer.email
    if not email:
        return None
    store = await stores.get_store(payment.store_id)
    if store is None or not store.receipts_enabled:
        return None
    message = Message(
        **_new(payment.payment_link_id, Channel.EMAIL, email, now),
        kind=kind,
        payment_id=payment.id,
        refund_id=refund_id,
        locale=payment.locale,
    )
    return await _queue(payment.store_id, message)


async def list_for_payment(principal: Principal, payment_id: str, window: Window) -> Page[Message]:
    """The receipts and refund notices of a payment of the caller's store."""
    require_payments(principal)
    if await payments.get(payment_id, principal.store_id) is None:
        raise NotFound("No such payment.")
    rows = await repository.list_for_payment(principal.store_id, payment_id, window)
    return page_of(rows, window)


async def list_messages(principal: Principal, link_id: str, window: Window) -> Page[Message]:
    require_payments(principal)
    if await links.get(principal.store_id, link_id) is None:
        raise NotFound("No such payment link.")
    return page_of(await repository.list_for_link(principal.store_id, link_id, window), window)


async def claim_queued(now: datetime, limit: int = 50) -> list[str]:
    return await repository.claim_queued(now, LEASE, limit)


async def _to_customer(message: Message, store: Store, title: str, urls: PublicUrls) -> Rendered:
    """The receipt or refund notice of the message's payment."""
    assert message.payment_id is not None
    payment = await payments.get(message.payment_id)
    assert payment is not None
    refund = await refunds.get(message.refund_id) if message.refund_id else None
    when = (refund.settled_at if refund else payment.paid_at) or message.created_at
    paid = Paid(
        store=store.name,
        logo_url=urls.image_url(store.logo_image_id) if store.logo_image_id else None,
        brand_color=store.brand_color,
        title=title,
        amount=refund.amount if refund else payment.amount,
        currency=payment.currency,
        when=when,
        reference=payment.reference or payment.id,
        locale=message.locale,
    )
    return render_receipt(paid, refund=refund is not None)


async def deliver(
    message_id: str, settings: Settings, urls: PublicUrls, now: datetime
) -> MessageStatus | None:
    """One attempt at a queued message: sent, failed for good, or queued for a retry."""
    found = await repository.get(message_id)
    if found is None:
        return None
    message, store_id = found
    if message.status is not MessageStatus.QUEUED:
        return message.status
    link = await links.get(store_id, message.payment_link_id)
    store = await stores.get_store(store_id)
    assert link is not None
    assert store is not None
    if message.kind is MessageKind.LINK:
        rendered = render(link, store.name, urls.link_url(link.id))
    else:
        rendered = await _to_customer(message, store, link.title, urls)
    body = rendered.text if message.channel is Channel.EMAIL else rendered.sms
    attempts = message.attempts + 1
    try:
        transport, provider_id = await sender.send(
            message.channel, message.recipient, rendered, settings
        )
    except Exception as error:
        # An unforeseen error still counts as an attempt: left queued, the message would be
        # claimed again after every lease, for ever.
        if isinstance(error, sender.SendFailed):
            failure = error
        else:
            log.exception("Sending message %s failed unexpectedly", message.id)
            failure = sender.SendFailed(
                f"Unexpected error ({type(error).__name__}).", permanent=False
            )
        final = failure.permanent or attempts >= MAX_ATTEMPTS
        retry_at = None if final else now + RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]
        status = MessageStatus.FAILED if final else MessageStatus.QUEUED
        await repository.finish(
            message.id,
            attempts,
            status,
            sender.transport_for(message.channel, settings),
            rendered.subject,
            body,
            str(failure),
            None,
            None,
            retry_at,
        )
        return status
    await repository.finish(
        message.id,
        attempts,
        MessageStatus.SENT,
        transport,
        rendered.subject,
        body,
        None,
        provider_id,
        now,
        None,
    )
    return MessageStatus.SENT


async def send_sign_up_email(request: SignUpRequest, cipher: Cipher, settings: Settings) -> None:
    """The email of a sign-up: the confirmation link to a new address, "you have an account:
    log in" to a known one. Without SMTP (the embedded default) the link goes to the log at
    WARNING instead, on one line, like a web framework's console mail backend, so that a
    local user can still sign up. Run after the answer: a failure is logged, and the user
    signs up again."""
    pending = request.pending
    if request.taken:
        url = login_url(settings.dashboard_url)
        rendered = render_existing_account(url)
        line = "Sign-up for %s, which has an account: log in at %s"
    else:
        url = confirm_url(settings.dashboard_url, seal(pending, cipher))
        rendered = render_confirmation(pending.store_name, url)
        line = "Sign-up confirmation for %s: %s"
    if sender.transport_for(Channel.EMAIL, settings) is Transport.OUTBOX:
        log.warning(line, masked(pending.email), url)
        return
    try:
        await sender.send(Channel.EMAIL, pending.email, rendered, settings)
    except sender.SendFailed as failed:
        log.error("The sign-up email to %s could not be sent: %s", masked(pending.email), failed)
    except Exception:
        # Nobody is left to answer: said in the log, never raised into the server.
        log.exception("The sign-up email to %s failed unexpectedly", masked(pending.email))
