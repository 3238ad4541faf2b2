"""Every query about webhook endpoints, deliveries and attempts."""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from paylinks.db.pages import newest_first
from paylinks.db.sql import fetch
from paylinks.events.model import EventType
from paylinks.events.repository import event_of
from paylinks.pagination import Window
from paylinks.webhooks.model import (
    Attempt,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    Outgoing,
    WebhookEndpoint,
    signing_secrets,
)
from paylinks.webhooks.tables import WebhookAttemptTable, WebhookDeliveryTable, WebhookEndpointTable

_events = msgspec.json.Decoder(list[EventType] | None)
_ENDPOINT = (
    WebhookEndpointTable.id,
    WebhookEndpointTable.store_id,
    WebhookEndpointTable.url,
    WebhookEndpointTable.events,
    WebhookEndpointTable.status,
    WebhookEndpointTable.created_at,
)
_DELIVERY = (
    WebhookDeliveryTable.id,
    WebhookDeliveryTable.event_id,
    WebhookDeliveryTable.endpoint_id,
    WebhookDeliveryTable.status,
    WebhookDeliveryTable.attempts,
    WebhookDeliveryTable.next_attempt_at,
    WebhookDeliveryTable.created_at,
    WebhookDeliveryTable.last_attempt_at,
)


_DELIVERY_NAMES = tuple(column._meta.db_column_name for column in _DELIVERY)
_EVENT_NAMES = ("id", "type", "created_at", "store_id", "data")


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
    await WebhookEndpointTable.insert(
        WebhookEndpointTable(
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
        await WebhookEndpointTable.select(*_ENDPOINT)
        .where(
            (WebhookEndpointTable.id == endpoint_id)
            & (WebhookEndpointTable.store_id == store_id)
            & WebhookEndpointTable.deleted_at.is_null()
        )
        .first()
    )
    return _endpoint(row) if row else None


async def count_endpoints(store_id: str) -> int:
    return int(
        await WebhookEndpointTable.count().where(
            (WebhookEndpointTable.store_id == store_id) & WebhookEndpointTable.deleted_at.is_null()
        )
    )


async def list_endpoints(store_id: str, window: Window) -> list[WebhookEndpoint]:
    # A deleted endpoint is no longer listed, but still a cursor of the list it was on.
    scope = WebhookEndpointTable.store_id == store_id
    query = WebhookEndpointTable.select(*_ENDPOINT).where(WebhookEndpointTable.deleted_at.is_null())
    rows = await newest_first(query, WebhookEndpointTable.id, scope, window)
    return [_endpoint(row) for row in rows]


async def rotate_secret(
    endpoint_id: str, secret_enc: str, now: datetime, overlap: timedelta
) -> None:
    await fetch(
        "UPDATE webhook_endpoint SET previous_secret_enc = secret_enc, secret_enc = {}, "
        "previous_secret_expires_at = {} WHERE id = {}",
        secret_enc,
        now + overlap,
        endpoint_id,
    )


async def set_status(endpoint_id: str, status: EndpointStatus) -> None:
    await WebhookEndpointTable.update({WebhookEndpointTable.status: status.value}).where(
        WebhookEndpointTable.id == endpoint_id
    )


async def delete_endpoint(endpoint_id: str, now: datetime) -> None:
    await WebhookEndpointTable.update(
        {
            WebhookEndpointTable.deleted_at: now,
            WebhookEndpointTable.status: EndpointStatus.DISABLED.value,
        }
    ).where(WebhookEndpointTable.id == endpoint_id)


async def endpoints_for(store_ids: Collection[str]) -> list[WebhookEndpoint]:
    """The endpoints of these stores that receive events now (enabled or failing: failing
    ones still get new events, so that they recover by themselves once the receiver is
    back)."""
    if not store_ids:
        return []
    rows = await WebhookEndpointTable.select(*_ENDPOINT).where(
        WebhookEndpointTable.store_id.is_in(list(store_ids))
        & WebhookEndpointTable.deleted_at.is_null()
        & (WebhookEndpointTable.status != EndpointStatus.DISABLED.value)
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
    await WebhookDeliveryTable.insert(
        WebhookDeliveryTable(
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


#: Rows per INSERT: a relay pass of many events to many endpoints is written in several
#: statements of bounded size (9 values a row), never one unbounded one.
INSERT_CHUNK = 1000


async def insert_deliveries(
    deliveries: list[tuple[str, str, str, str]], now: datetime, lease: timedelta
) -> list[tuple[str, str]]:
    """Insert (id, store id, event id, endpoint id) deliveries, leased to their sender
    for ``lease``, skipping any (event, endpoint) pair that has one already: returns the
    (id, event id) of those made now."""
    made: list[tuple[str, str]] = []
    for start in range(0, len(deliveries), INSERT_CHUNK):
        made += await _insert_chunk(deliveries[start : start + INSERT_CHUNK], now, lease)
    return made


async def _insert_chunk(
    deliveries: list[tuple[str, str, str, str]], now: datetime, lease: timedelta
) -> list[tuple[str, str]]:
    values = ", ".join(["({}, {}, {}, {}, 'pending', 0, {}, {}, {})"] * len(deliveries))
    args: list[Any] = []
    for delivery in deliveries:
        args += [*delivery, now, now + lease, now]
    rows = await fetch(
        # Only placeholders are formatted in; the values are bound.
        "INSERT INTO webhook_delivery (id, store_id, event_id, endpoint_id, status, attempts, "  # noqa: S608
        f"next_attempt_at, lease_until, created_at) VALUES {values} "
        "ON CONFLICT (event_id, endpoint_id) DO NOTHING RETURNING id, event_id",
        *args,
    )
    return [(row["id"], row["event_id"]) for row in rows]


# The endpoint must belong to the delivery's store and not be deleted (else its columns
# are null); the event's columns keep their names for ``event_of``.
_OUTGOING = (
    "SELECT d.id, d.event_id, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, "
    "d.created_at, d.last_attempt_at, w.url, w.status AS endpoint_status, w.secret_enc, "
    "w.previous_secret_enc, w.previous_secret_expires_at, e.id AS e_id, e.type AS e_type, "
    "e.created_at AS e_created_at, e.store_id AS e_store_id, e.data AS e_data "
    "FROM webhook_delivery d "
    "LEFT JOIN webhook_endpoint w ON w.id = d.endpoint_id AND w.store_id = d.store_id "
    "AND w.deleted_at IS NULL "
    "LEFT JOIN event e ON e.id = d.event_id "
    "WHERE d.id = {}"
)


async def outgoing(delivery_id: str, now: datetime) -> Outgoing | None:
    """A delivery with everything its next attempt needs, in one query."""
    rows = await fetch(_OUTGOING, delivery_id)
    if not rows:
        return None
    row = rows[0]
    return Outgoing(
        delivery=_delivery({name: row[name] for name in _DELIVERY_NAMES}),
        url=row["url"],
        endpoint_status=EndpointStatus(row["endpoint_status"]) if row["url"] else None,
        secrets_enc=signing_secrets(
            row["secret_enc"], row["previous_secret_enc"], row["previous_secret_expires_at"], now
        )
        if row["url"]
        else [],
        event=event_of({name: row[f"e_{name}"] for name in _EVENT_NAMES}) if row["e_id"] else None,
    )


async def claim_due(now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Lease pending deliveries whose next attempt is due."""
    rows = await fetch(
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


# PostgreSQL takes the retry state and the attempt in one statement (one round trip, and
# atomic); SQLite has no data-modifying CTEs and takes two.
_RECORD_ATTEMPT = (
    "WITH moved AS (UPDATE webhook_delivery SET attempts = {}, status = {}, "
    "next_attempt_at = {}, last_attempt_at = {}, lease_until = NULL "
    "WHERE id = {} AND attempts = {} RETURNING id) "
    "INSERT INTO webhook_attempt (id, delivery_id, attempted_at, status_code, duration_ms, "
    "response_excerpt, error) SELECT {}::varchar, id, {}::timestamptz, {}::integer, "
    "{}::integer, {}::text, {}::varchar FROM moved RETURNING id"
)


async def record_attempt(
    delivery: Delivery, attempt: Attempt, status: DeliveryStatus, next_attempt_at: datetime | None
) -> bool:
    """Record an attempt and the retry state; False if the delivery moved on meanwhile."""
    if isinstance(WebhookDeliveryTable._meta.db, PostgresEngine):
        rows = await fetch(
            _RECORD_ATTEMPT,
            delivery.attempts + 1,
            status.value,
            next_attempt_at,
            attempt.attempted_at,
            delivery.id,
            delivery.attempts,
            attempt.id,
            attempt.attempted_at,
            attempt.status_code,
            attempt.duration_ms,
            attempt.response_excerpt,
            attempt.error,
        )
        return bool(rows)
    rows = (
        await WebhookDeliveryTable.update(
            {
                WebhookDeliveryTable.attempts: delivery.attempts + 1,
                WebhookDeliveryTable.status: status.value,
                WebhookDeliveryTable.next_attempt_at: next_attempt_at,
                WebhookDeliveryTable.last_attempt_at: attempt.attempted_at,
                WebhookDeliveryTable.lease_until: None,
            }
        )
        .where(
            (WebhookDeliveryTable.id == delivery.id)
            & (WebhookDeliveryTable.attempts == delivery.attempts)
        )
        .returning(WebhookDeliveryTable.id)
    )
    if not rows:
        return False
    await WebhookAttemptTable.insert(
        WebhookAttemptTable(
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
    await WebhookDeliveryTable.update(
        {
            WebhookDeliveryTable.status: DeliveryStatus.PENDING.value,
            WebhookDeliveryTable.attempts: 0,
            WebhookDeliveryTable.next_attempt_at: now,
            WebhookDeliveryTable.lease_until: None,
        }
    ).where(WebhookDeliveryTable.id == delivery_id)


async def find_delivery(event_id: str, endpoint_id: str) -> Delivery | None:
    row = (
        await WebhookDeliveryTable.select(*_DELIVERY)
        .where(
            (WebhookDeliveryTable.event_id == event_id)
            & (WebhookDeliveryTable.endpoint_id == endpoint_id)
        )
        .first()
    )
    return _delivery(row) if row else None


async def list_deliveries(event_id: str, window: Window) -> list[tuple[Delivery, list[Attempt]]]:
    scope = WebhookDeliveryTable.event_id == event_id
    query = WebhookDeliveryTable.select(*_DELIVERY)
    rows = await newest_first(query, WebhookDeliveryTable.id, scope, window)
    result = []
    for row in rows:
        attempts = (
            await WebhookAttemptTable.select(
                WebhookAttemptTable.id,
                WebhookAttemptTable.attempted_at,
                WebhookAttemptTable.status_code,
                WebhookAttemptTable.duration_ms,
                WebhookAttemptTable.response_excerpt,
                WebhookAttemptTable.error,
            )
            .where(WebhookAttemptTable.delivery_id == row["id"])
            .order_by(WebhookAttemptTable.id)
        )
        result.append((_delivery(row), [Attempt(**a) for a in attempts]))
    return result
