"""Use cases of sending a link: queue a message (202), send it from a worker job with
retries on transient failures, list a link's sends."""

import logging
from datetime import datetime, timedelta

from paylinks.errors import Conflict, NotFound
from paylinks.ids import Prefix, new_id
from paylinks.links import repository as links
from paylinks.links.model import LinkStatus, PublicUrls
from paylinks.messages import repository, sender
from paylinks.messages.model import (
    MAX_ATTEMPTS,
    Channel,
    Message,
    MessageStatus,
    recipient_of,
    render,
)
from paylinks.pagination import Page, page_of
from paylinks.settings import Settings
from paylinks.stores import repository as stores
from paylinks.stores.model import Principal
from paylinks.stores.service import require_payments

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
    message = Message(
        id=new_id(Prefix.MESSAGE),
        payment_link_id=link.id,
        channel=channel,
        recipient=recipient,
        status=MessageStatus.QUEUED,
        transport=None,
        subject=None,
        body_text=None,
        error=None,
        attempts=0,
        created_at=now,
        sent_at=None,
    )
    # Leased until now: the next scheduler pass picks it up.
    await repository.insert(message, principal.store_id, now)
    return message


async def list_messages(
    principal: Principal, link_id: str, limit: int, starting_after: str | None
) -> Page[Message]:
    require_payments(principal)
    if await links.get(principal.store_id, link_id) is None:
        raise NotFound("No such payment link.")
    rows = await repository.list_for_link(principal.store_id, link_id, limit, starting_after)
    return page_of(rows, limit)


async def claim_queued(now: datetime, limit: int = 50) -> list[str]:
    return await repository.claim_queued(now, LEASE, limit)


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
    rendered = render(link, store.name, urls.link_url(link.id))
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
