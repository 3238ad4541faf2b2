"""The purges: old rows deleted by primary key in small batches, each batch its own short
transaction, found through indexes on ``created_at`` (migration 0016), so that no purge
holds a lock for long on SQLite or PostgreSQL."""

import asyncio
from datetime import datetime

from paylinks.db.engine import transaction
from paylinks.db.sql import fetch
from paylinks.retention.model import BATCH


def _marks(count: int) -> str:
    return ", ".join(["{}"] * count)


def _padded(ids: list[str], size: int) -> list[str]:
    """``ids`` repeated at the end to ``size`` values: the statement's text stays the same
    whatever the batch holds (one prepared statement on PostgreSQL)."""
    return ids + [ids[-1]] * (size - len(ids))


async def purge_events(before: datetime, batch: int = BATCH) -> int:
    """Delete events created before ``before`` with their deliveries and attempts, oldest
    first, ``batch`` events per transaction; returns how many events went. A delivery
    never outlives its event: both go in the same transaction."""
    marks = _marks(batch)
    purged = 0
    while True:
        async with transaction():
            rows = await fetch(
                "SELECT id FROM event WHERE created_at < {} ORDER BY created_at LIMIT {}",
                before,
                batch,
            )
            ids = [row["id"] for row in rows]
            if ids:
                args = _padded(ids, batch)
                await fetch(
                    "DELETE FROM webhook_attempt WHERE delivery_id IN "  # noqa: S608
                    f"(SELECT id FROM webhook_delivery WHERE event_id IN ({marks}))",
                    *args,
                )
                await fetch(f"DELETE FROM webhook_delivery WHERE event_id IN ({marks})", *args)  # noqa: S608
                await fetch(f"DELETE FROM event WHERE id IN ({marks})", *args)  # noqa: S608
        purged += len(ids)
        if len(ids) < batch:
            return purged
        await asyncio.sleep(0)  # let the loop's other work run between batches


async def purge_messages(before: datetime, batch: int = BATCH) -> int:
    """Delete message records created before ``before``, ``batch`` per statement; returns
    how many went."""
    purged = 0
    while True:
        rows = await fetch(
            "DELETE FROM message WHERE id IN (SELECT id FROM message "
            "WHERE created_at < {} ORDER BY created_at LIMIT {}) RETURNING id",
            before,
            batch,
        )
        purged += len(rows)
        if len(rows) < batch:
            return purged
        await asyncio.sleep(0)
