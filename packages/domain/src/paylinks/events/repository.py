"""Outbox rows: written inside the caller's transaction, read by the API and the relay."""

from datetime import datetime, timedelta

import msgspec

from paylinks.db.pages import newest_first
from paylinks.db.sql import Row, fetch
from paylinks.events.model import Event, EventType, Unrelayed
from paylinks.events.tables import EventTable
from paylinks.pagination import Window

#: PostgreSQL notifies this channel when a transaction that wrote event rows commits
#: (a trigger, migration 0008): the relay listens to it.
COMMITTED_CHANNEL = "paylinks_event"

_COLUMNS = (
    EventTable.id,
    EventTable.type,
    EventTable.created_at,
    EventTable.store_id,
    EventTable.data,
)


def event_of(row: Row) -> Event:
    """An event from a row of its table's columns (also for other concepts' joins); its
    data stays the stored JSON text."""
    return Event(
        id=row["id"],
        type=EventType(row["type"]),
        created_at=row["created_at"],
        store_id=row["store_id"],
        data=msgspec.Raw(row["data"]),
    )


async def insert(event: Event, payment_link_id: str, refund_id: str | None) -> None:
    await EventTable.insert(
        EventTable(
            id=event.id,
            store_id=event.store_id,
            type=event.type.value,
            payment_link_id=payment_link_id,
            refund_id=refund_id,
            data=bytes(event.data).decode(),
            created_at=event.created_at,
            relayed_at=None,
        )
    )


async def get(store_id: str, event_id: str) -> Event | None:
    row = (
        await EventTable.select(*_COLUMNS)
        .where((EventTable.store_id == store_id) & (EventTable.id == event_id))
        .first()
    )
    return event_of(row) if row else None


async def list_events(
    store_id: str, window: Window, event_type: EventType | None, payment_link_id: str | None
) -> list[Event]:
    query = EventTable.select(*_COLUMNS)
    if event_type is not None:
        query = query.where(EventTable.type == event_type.value)
    if payment_link_id is not None:
        query = query.where(EventTable.payment_link_id == payment_link_id)
    rows = await newest_first(query, EventTable.id, EventTable.store_id == store_id, window)
    return [event_of(row) for row in rows]


async def oldest_unrelayed() -> datetime | None:
    """When the oldest event still to relay was written (None: the outbox is empty).
    Ids grow with time, so the ``event (relayed_at, id)`` index finds it."""
    row = (
        await EventTable.select(EventTable.created_at)
        .where(EventTable.relayed_at.is_null())
        .order_by(EventTable.id)
        .first()
    )
    return row["created_at"] if row else None


async def claim_unrelayed(now: datetime, lease: timedelta, limit: int) -> list[Unrelayed]:
    """Lease the oldest events not yet relayed, so that two relays rarely take the same
    rows; a lease that ran out (its relay died) lets another relay take them."""
    rows = await fetch(
        "UPDATE event SET relay_lease_until = {} WHERE id IN ("
        "SELECT id FROM event WHERE relayed_at IS NULL "
        "AND (relay_lease_until IS NULL OR relay_lease_until < {}) ORDER BY id LIMIT {}) "
        "AND relayed_at IS NULL AND (relay_lease_until IS NULL OR relay_lease_until < {}) "
        "RETURNING id, type, created_at, store_id, data, refund_id",
        now + lease,
        now,
        limit,
        now,
    )
    claimed = [Unrelayed(event=event_of(row), refund_id=row["refund_id"]) for row in rows]
    return sorted(claimed, key=lambda row: row.event.id)


async def mark_relayed(event_ids: list[str], now: datetime) -> None:
    if event_ids:
        await EventTable.update({EventTable.relayed_at: now}).where(EventTable.id.is_in(event_ids))
