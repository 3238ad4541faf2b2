"""Every query about gateway events: claim one for processing, finish it, let it go, or
forget old ones."""

from datetime import datetime

from paylinks.db.sql import fetch
from paylinks.gateways.tables import GatewayEventTable


async def claim(
    event_id: str, store_id: str, event_type: str, now: datetime, stale_before: datetime
) -> bool:
    """Take the event for processing: True for its first delivery, or when an earlier claim
    was left unfinished since before ``stale_before``; False for a duplicate."""
    rows = await fetch(
        "INSERT INTO gateway_event (id, store_id, type, received_at, processed_at) "
        "VALUES ({}, {}, {}, {}, NULL) ON CONFLICT (id) DO NOTHING RETURNING id",
        event_id,
        store_id,
        event_type,
        now,
    )
    if rows:
        return True
    rows = await fetch(
        "UPDATE gateway_event SET received_at = {} "
        "WHERE id = {} AND processed_at IS NULL AND received_at < {} RETURNING id",
        now,
        event_id,
        stale_before,
    )
    return bool(rows)


async def mark_processed(event_id: str, now: datetime) -> None:
    await GatewayEventTable.update({GatewayEventTable.processed_at: now}).where(
        GatewayEventTable.id == event_id
    )


async def release(event_id: str) -> None:
    """Forget an unfinished claim, so that the gateway's retry processes the event."""
    await GatewayEventTable.delete().where(
        (GatewayEventTable.id == event_id) & GatewayEventTable.processed_at.is_null()
    )


async def prune(received_before: datetime, batch: int = 1000) -> int:
    """Forget events received before ``received_before``, ``batch`` rows per statement (no
    long lock on a large table); returns how many went."""
    pruned = 0
    while True:
        rows = await fetch(
            "DELETE FROM gateway_event WHERE id IN (SELECT id FROM gateway_event "
            "WHERE received_at < {} LIMIT {}) RETURNING id",
            received_before,
            batch,
        )
        pruned += len(rows)
        if len(rows) < batch:
            return pruned
