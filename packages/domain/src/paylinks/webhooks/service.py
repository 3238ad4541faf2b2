"""Use cases of webhooks: endpoints, fan-out of events into deliveries, sending an
attempt (Standard Webhooks), the retry schedule, and manual redelivery."""

import asyncio
import time
from datetime import datetime, timedelta

import aiohttp
import msgspec

from paylinks.errors import FieldError, NotFound, ValidationFailed
from paylinks.events import repository as events
from paylinks.events.model import Event, EventType
from paylinks.ids import Prefix, new_id
from paylinks.outcomes import Subject, report
from paylinks.pagination import Page, Window, page_of
from paylinks.secrets import Cipher
from paylinks.stores.model import Principal
from paylinks.webhooks import repository
from paylinks.webhooks.model import (
    EXCERPT_MAX,
    MAX_ENDPOINTS,
    ROTATION_OVERLAP,
    TIMEOUT_SECONDS,
    Attempt,
    AttemptResult,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    TooManyEndpoints,
    UnsafeUrl,
    WebhookEndpoint,
    attempt_result,
    check_destination,
    deliveries_wanted,
    is_success,
    new_secret,
    next_attempt_delay,
    signature_header,
    validate_endpoint,
)

#: How long a sender holds a delivery before another may take it (> the HTTP timeout).
LEASE = timedelta(seconds=60)
_TIMEOUT = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)


async def create_endpoint(
    principal: Principal,
    url: str,
    events_: list[EventType] | None,
    cipher: Cipher,
    allow_private: bool,
    now: datetime,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (shown to the caller only now)."""
    clean_url, clean_events = validate_endpoint(url, events_)
    if await repository.count_endpoints(principal.store_id) >= MAX_ENDPOINTS:
        raise TooManyEndpoints()
    await _check_url(clean_url, allow_private)
    endpoint = WebhookEndpoint(
        id=new_id(Prefix.WEBHOOK_ENDPOINT),
        store_id=principal.store_id,
        url=clean_url,
        events=clean_events,
        status=EndpointStatus.ENABLED,
        created_at=now,
    )
    secret = new_secret()
    await repository.insert_endpoint(endpoint, cipher.encrypt(secret))
    return endpoint, secret


async def _check_url(url: str, allow_private: bool) -> None:
    try:
        await asyncio.to_thread(check_destination, url, allow_private)
    except UnsafeUrl as error:
        raise ValidationFailed([FieldError("url", str(error))]) from None


async def get_endpoint(principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    endpoint = await repository.get_endpoint(principal.store_id, endpoint_id)
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


async def list_endpoints(principal: Principal, window: Window) -> Page[WebhookEndpoint]:
    return page_of(await repository.list_endpoints(principal.store_id, window), window)


async def delete_endpoint(principal: Principal, endpoint_id: str, now: datetime) -> None:
    await get_endpoint(principal, endpoint_id)
    await repository.delete_endpoint(endpoint_id, now)


async def rotate_secret(
    principal: Principal, endpoint_id: str, cipher: Cipher, now: datetime
) -> tuple[WebhookEndpoint, str]:
    """A new secret; the old one keeps signing (both signatures sent) for a day."""
    endpoint = await get_endpoint(principal, endpoint_id)
    secret = new_secret()
    await repository.rotate_secret(endpoint_id, cipher.encrypt(secret), now, ROTATION_OVERLAP)
    return endpoint, secret


async def set_enabled(principal: Principal, endpoint_id: str, enabled: bool) -> WebhookEndpoint:
    await get_endpoint(principal, endpoint_id)
    await repository.set_status(
        endpoint_id, EndpointStatus.ENABLED if enabled else EndpointStatus.DISABLED
    )
    return await get_endpoint(principal, endpoint_id)


async def fan_out(events_: list[Event], now: datetime) -> dict[str, list[str]]:
    """One delivery per event and endpoint that wants it, made once however often this
    runs (the relay may take an event again): the ids of those made now, by event id."""
    if not events_:
        return {}
    endpoints = await repository.endpoints_for({event.store_id for event in events_})
    wanted = [
        (new_id(Prefix.DELIVERY), event.store_id, event.id, endpoint.id)
        for event, endpoint in deliveries_wanted(events_, endpoints)
    ]
    made: dict[str, list[str]] = {}
    for delivery_id, event_id in await repository.insert_deliveries(wanted, now, LEASE):
        made.setdefault(event_id, []).append(delivery_id)
    return made


def envelope(event: Event) -> bytes:
    """The body of a delivery: the event's stored data is spliced in as it is."""
    return msgspec.json.encode(event)


class SigningKeys:
    """Decrypted endpoint secrets, kept by their ciphertext: a rotated secret has a new
    ciphertext, so a stale key is never used; the cache only saves decrypting again."""

    def __init__(self, cipher: Cipher, size: int = 1024) -> None:
        self.cipher = cipher
        self.size = size
        self._keys: dict[str, str] = {}

    def __call__(self, secrets_enc: list[str]) -> list[str]:
        return [self._key(secret_enc) for secret_enc in secrets_enc]

    def _key(self, secret_enc: str) -> str:
        key = self._keys.get(secret_enc)
        if key is None:
            if len(self._keys) >= self.size:
                self._keys.clear()
            key = self._keys[secret_enc] = self.cipher.decrypt(secret_enc)
        return key


async def deliver(
    delivery_id: str,
    client: aiohttp.ClientSession,
    keys: SigningKeys,
    allow_private: bool,
    now: datetime,
) -> DeliveryStatus | None:
    """Make one attempt of a pending delivery and record it, with what comes next."""
    found = await repository.outgoing(delivery_id, now)
    if found is None or found.delivery.status is not DeliveryStatus.PENDING:
        return found.delivery.status if found else None
    delivery, event, url = found.delivery, found.event, found.url
    if url is None or event is None or found.endpoint_status is EndpointStatus.DISABLED:
        attempt = _attempt(now, None, 0, None, "The endpoint was disabled or deleted.")
        await repository.record_attempt(delivery, attempt, DeliveryStatus.FAILED, None)
        report(Subject.WEBHOOK_ATTEMPT, AttemptResult.ENDPOINT_GONE)
        return DeliveryStatus.FAILED

    # Signed as text (what standardwebhooks takes), sent as these very bytes.
    body = envelope(event)
    sent_at = datetime.fromtimestamp(int(time.time()), tz=now.tzinfo)
    headers = {
        "content-type": "application/json",
        "user-agent": "Paylinks-Webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature_header(
            keys(found.secrets_enc), event.id, sent_at, body.decode()
        ),
    }
    started = time.perf_counter()
    status_code: int | None = None
    excerpt: str | None = None
    error: str | None = None
    try:
        if not allow_private:  # resolved at each attempt: DNS answers change
            await asyncio.to_thread(check_destination, url, allow_private)
        async with client.post(
            url, data=body, headers=headers, allow_redirects=False, timeout=_TIMEOUT
        ) as response:
            status_code = response.status
            excerpt = await _excerpt(response)
    except UnsafeUrl as unsafe:
        error = str(unsafe)
    except TimeoutError:
        error = f"No answer within {TIMEOUT_SECONDS:.0f} s."
    except (aiohttp.ClientError, OSError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    duration = int((time.perf_counter() - started) * 1000)
    attempt = _attempt(now, status_code, duration, excerpt, error)
    report(Subject.WEBHOOK_ATTEMPT, attempt_result(status_code))

    if status_code is not None and is_success(status_code):
        await repository.record_attempt(delivery, attempt, DeliveryStatus.SUCCEEDED, None)
        if found.endpoint_status is EndpointStatus.FAILING:
            await repository.set_status(delivery.endpoint_id, EndpointStatus.ENABLED)
        return DeliveryStatus.SUCCEEDED
    delay = next_attempt_delay(delivery.attempts + 1)
    if delay is None:
        await repository.record_attempt(delivery, attempt, DeliveryStatus.FAILED, None)
        await repository.set_status(delivery.endpoint_id, EndpointStatus.FAILING)
        return DeliveryStatus.FAILED
    await repository.record_attempt(delivery, attempt, DeliveryStatus.PENDING, now + delay)
    return DeliveryStatus.PENDING


async def _excerpt(response: aiohttp.ClientResponse) -> str:
    """The start of the answer's body. Only that much is read: a huge answer costs nothing
    (its connection is dropped instead of reused)."""
    head = bytearray()
    limit = EXCERPT_MAX * 4  # enough bytes for EXCERPT_MAX characters in any UTF-8
    while len(head) < limit and (chunk := await response.content.read(limit - len(head))):
        head += chunk
    try:
        text = head.decode(response.charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = head.decode("utf-8", errors="replace")
    return text[:EXCERPT_MAX]


def _attempt(
    now: datetime, status_code: int | None, duration_ms: int, excerpt: str | None, error: str | None
) -> Attempt:
    return Attempt(
        id=new_id(Prefix.ATTEMPT),
        attempted_at=now,
        status_code=status_code,
        duration_ms=duration_ms,
        response_excerpt=excerpt,
        error=error,
    )


async def claim_due(now: datetime, limit: int = 100) -> list[str]:
    return await repository.claim_due(now, LEASE, limit)


async def redeliver(
    principal: Principal, event_id: str, endpoint_id: str, now: datetime
) -> Delivery:
    """Send the event to the endpoint again now, whatever happened before."""
    event = await events.get(principal.store_id, event_id)
    if event is None:
        raise NotFound("No such event.")
    endpoint = await repository.get_endpoint(principal.store_id, endpoint_id)
    if endpoint is None:
        raise ValidationFailed([FieldError("endpoint_id", "No such webhook endpoint.")])
    existing = await repository.find_delivery(event_id, endpoint_id)
    if existing is None:
        await repository.insert_delivery(
            new_id(Prefix.DELIVERY), principal.store_id, event_id, endpoint_id, now, timedelta(0)
        )
    else:
        await repository.requeue(existing.id, now)
    found = await repository.find_delivery(event_id, endpoint_id)
    assert found is not None
    return found


async def list_deliveries(
    principal: Principal, event_id: str, window: Window
) -> Page[tuple[Delivery, list[Attempt]]]:
    """The event's deliveries, newest first, each with its attempts (oldest first)."""
    if await events.get(principal.store_id, event_id) is None:
        raise NotFound("No such event.")
    return page_of(await repository.list_deliveries(event_id, window), window)
