"""Every query about webhook endpoints, deliveries and attempts."""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from paylinks.events.model import EventType
from paylinks.webhooks.model import (
    Attempt,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
)
from paylinks.webhooks.tables import WebhookAttemptTable as A
from paylinks.webhooks.tables import WebhookDeliveryTable as D
from paylinks.webhooks.tables import WebhookEndpointTable as E

_events = msgspec.json.Decoder(list[EventType] | None)
_ENDPOINT = (E.id, E.store_id, E.url, E.events, E.status, E.created_at)
_DELIVERY = (
    D.id,
    D.event_id,
    D.endpoint_id,
    D.status,
    D.attempts,
    D.next_attempt_at,
    D.created_at,
    D.last_attempt_at,
)


def _endpoint(row: dict[str, Any]) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        store_id=row["store_id"],
        url=row["url"],
        events=_events.decode(row["events"]) if row["events"] else None,
        status=EndpointStatus(row["status"]),
        created_at=row["created_at"],
    )


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery(**{**row, "status": DeliveryStatus(row["status"])})


async def insert_endpoint(endpoint: WebhookEndpoint, secret_enc: str) -> None:
    await E.insert(
        E(
            id=endpoint.id,
            store_id=endpoint.store_id,
            url=endpoint.url,
            events=msgspec.json.encode(endpoint.events).decode() if endpoint.events else None,
            status=endpoint.status.value,
            secret_enc=secret_enc,
            previous_secret_enc=None,
            previous_secret_expires_at=None,
            created_at=endpoint.created_at,
            deleted_at=None,
        )
    )


async def get_endpoint(store_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    row = (
        await E.select(*_ENDPOINT)
        .where((E.id == endpoint_id) & (E.store_id == store_id) & E.deleted_at.is_null())
        .first()
    )
    return _endpoint(row) if row else None


async def list_endpoints(store_id: str) -> list[WebhookEndpoint]:
    rows = (
        await E.select(*_ENDPOINT)
        .where((E.store_id == store_id) & E.deleted_at.is_null())
        .order_by(E.id, ascending=False)
    )
    return [_endpoint(row) for row in rows]


async def secrets_of(endpoint_id: str, now: datetime) -> tuple[str, str | None]:
    """The encrypted current secret, and the previous one while it still signs."""
    row = (
        await E.select(E.secret_enc, E.previous_secret_enc, E.previous_secret_expires_at)
        .where(E.id == endpoint_id)
        .first()
    )
    assert row is not None
    previous = row["previous_secret_enc"]
    expires = row["previous_secret_expires_at"]
    return row["secret_enc"], previous if previous and expires and expires > now else None


async def rotate_secret(
    endpoint_id: str, secret_enc: str, now: datetime, overlap: timedelta
) -> None:
    await E.raw(
        "UPDATE webhook_endpoint SET previous_secret_enc = secret_enc, secret_enc = {}, "
        "previous_secret_expires_at = {} WHERE id = {}",
        secret_enc,
        now + overlap,
        endpoint_id,
    )


async def set_status(endpoint_id: str, status: EndpointStatus) -> None:
    await E.update({E.status: status.value}).where(E.id == endpoint_id)


async def delete_endpoint(endpoint_id: str, now: datetime) -> None:
    await E.update({E.deleted_at: now, E.status: EndpointStatus.DISABLED.value}).where(
        E.id == endpoint_id
    )


async def endpoints_for(store_id: str) -> list[WebhookEndpoint]:
    """The endpoints that receive events now (enabled or failing: failing ones still get
    new events, so that they recover by themselves once the receiver is back)."""
    rows = await E.select(*_ENDPOINT).where(
        (E.store_id == store_id)
        & E.deleted_at.is_null()
        & (E.status != EndpointStatus.DISABLED.value)
    )
    return [_endpoint(row) for row in rows]


async def insert_delivery(
    delivery_id: str,
    store_id: str,
    event_id: str,
    endpoint_id: str,
    now: datetime,
    lease: timedelta,
) -> None:
    await D.insert(
        D(
            id=delivery_id,
            store_id=store_id,
            event_id=event_id,
            endpoint_id=endpoint_id,
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            lease_until=now + lease,
            created_at=now,
            last_attempt_at=None,
        )
    )


async def delivery_exists(event_id: str, endpoint_id: str) -> bool:
    return bool(await D.exists().where((D.event_id == event_id) & (D.endpoint_id == endpoint_id)))


async def get_delivery(delivery_id: str) -> Delivery | None:
    row = await D.select(*_DELIVERY).where(D.id == delivery_id).first()
    return _delivery(row) if row else None


async def store_of_delivery(delivery_id: str) -> str | None:
    row = await D.select(D.store_id).where(D.id == delivery_id).first()
    return row["store_id"] if row else None


async def claim_due(now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Lease pending deliveries whose next attempt is due."""
    rows = await D.raw(
        "UPDATE webhook_delivery SET lease_until = {} WHERE id IN ("
        "SELECT id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= {} "
        "AND (lease_until IS NULL OR lease_until < {}) ORDER BY next_attempt_at LIMIT {}) "
        "AND status = 'pending' AND (lease_until IS NULL OR lease_until < {}) RETURNING id",
        now + lease,
        now,
        now,
        limit,
        now,
    )
    return [row["id"] for row in rows]


async def record_attempt(
    delivery: Delivery, attempt: Attempt, status: DeliveryStatus, next_attempt_at: datetime | None
) -> bool:
    """Record an attempt and the retry state; False if the delivery moved on meanwhile."""
    rows = (
        await D.update(
            {
                D.attempts: delivery.attempts + 1,
                D.status: status.value,
                D.next_attempt_at: next_attempt_at,
                D.last_attempt_at: attempt.attempted_at,
                D.lease_until: None,
            }
        )
        .where((D.id == delivery.id) & (D.attempts == delivery.attempts))
        .returning(D.id)
    )
    if not rows:
        return False
    await A.insert(
        A(
            id=attempt.id,
            delivery_id=delivery.id,
            attempted_at=attempt.attempted_at,
            status_code=attempt.status_code,
            duration_ms=attempt.duration_ms,
            response_excerpt=attempt.response_excerpt,
            error=attempt.error,
        )
    )
    return True


async def requeue(delivery_id: str, now: datetime) -> None:
    """Send again now (manual redelivery), with a fresh schedule."""
    await D.update(
        {
            D.status: DeliveryStatus.PENDING.value,
            D.attempts: 0,
            D.next_attempt_at: now,
            D.lease_until: None,
        }
    ).where(D.id == delivery_id)


async def find_delivery(event_id: str, endpoint_id: str) -> Delivery | None:
    row = (
        await D.select(*_DELIVERY)
        .where((D.event_id == event_id) & (D.endpoint_id == endpoint_id))
        .first()
    )
    return _delivery(row) if row else None


async def list_deliveries(event_id: str) -> list[tuple[Delivery, list[Attempt]]]:
    rows = await D.select(*_DELIVERY).where(D.event_id == event_id).order_by(D.id)
    result = []
    for row in rows:
        attempts = (
            await A.select(
                A.id, A.attempted_at, A.status_code, A.duration_ms, A.response_excerpt, A.error
            )
            .where(A.delivery_id == row["id"])
            .order_by(A.id)
        )
        result.append((_delivery(row), [Attempt(**a) for a in attempts]))
    return result
