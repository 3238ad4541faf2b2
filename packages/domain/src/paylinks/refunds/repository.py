"""Every query about refunds. The statuses a status-guarded update may find a refund in
come from the lifecycle (``TRANSITIONS``): see ``GUARDS``."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from paylinks.db.pages import newest_first
from paylinks.db.sql import fetch
from paylinks.outcomes import Subject, report
from paylinks.pagination import EVERY_ROW, Window
from paylinks.refunds.model import Refund, RefundStatus, from_statuses
from paylinks.refunds.tables import RefundTable

# The retry schedule is the repository's own business: never part of a Refund.
_COLUMNS = [RefundTable._meta.get_column_by_name(name) for name in Refund.__struct_fields__]

#: Where a settlement takes a refund.
_SETTLED = frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED})
#: Each update guarded by a refund's status, by the function that runs it: the statuses it
#: may find the refund in, and those it moves the refund to (for one that keeps the
#: status: the settlement its job goes on to). The first are the lifecycle's ways to the
#: second; a unit test holds them to ``TRANSITIONS`` and each statement to them.
GUARDS: dict[str, tuple[frozenset[RefundStatus], frozenset[RefundStatus]]] = {
    update: (from_statuses(*_SETTLED), _SETTLED)
    for update in ("settle", "claim_due", "take", "let_go")
}
#: Each guarded update's condition on status: values for the query builder, SQL text for
#: the statements written by hand.
_ALLOWED = {
    update: sorted(status.value for status in allowed) for update, (allowed, _) in GUARDS.items()
}
_STATUS_IN = {
    update: "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"
    for update, values in _ALLOWED.items()
}


def _refund(row: dict[str, Any]) -> Refund:
    return Refund(**{**row, "status": RefundStatus(row["status"])})


async def insert(refund: Refund, next_attempt_at: datetime) -> None:
    """A new pending refund; the sweep leaves it to the job the outbox sends until
    ``next_attempt_at``."""
    fields = {field: getattr(refund, field) for field in Refund.__struct_fields__}
    await RefundTable.insert(
        RefundTable(**fields, attempts=0, next_attempt_at=next_attempt_at, lease_until=None)
    )
    report(Subject.REFUND, RefundStatus.PENDING.value)


async def get(refund_id: str, store_id: str | None = None) -> Refund | None:
    query = RefundTable.select(*_COLUMNS).where(RefundTable.id == refund_id)
    if store_id is not None:
        query = query.where(RefundTable.store_id == store_id)
    row = await query.first()
    return _refund(row) if row else None


async def get_by_reference(reference: str) -> Refund | None:
    row = await RefundTable.select(*_COLUMNS).where(RefundTable.reference == reference).first()
    return _refund(row) if row else None


async def set_reference(refund_id: str, reference: str) -> None:
    await RefundTable.update({RefundTable.reference: reference}).where(RefundTable.id == refund_id)


async def settle(
    refund_id: str, status: RefundStatus, failure_reason: str | None, now: datetime
) -> bool:
    """Pending → final, once: False when another settlement came first."""
    rows = (
        await RefundTable.update(
            {
                RefundTable.status: status.value,
                RefundTable.failure_reason: failure_reason,
                RefundTable.settled_at: now,
                RefundTable.next_attempt_at: None,
                RefundTable.lease_until: None,
            }
        )
        .where((RefundTable.id == refund_id) & RefundTable.status.is_in(_ALLOWED["settle"]))
        .returning(RefundTable.id)
    )
    if rows:
        report(Subject.REFUND, status.value)
    return bool(rows)


async def list_for_payment(payment_id: str, window: Window = EVERY_ROW) -> list[Refund]:
    """Newest first: the rows of ``window`` (every row by default)."""
    scope = RefundTable.payment_id == payment_id
    query = RefundTable.select(*_COLUMNS)
    return [_refund(row) for row in await newest_first(query, RefundTable.id, scope, window)]


_DUE = (
    _STATUS_IN["claim_due"] + " AND (next_attempt_at IS NULL OR next_attempt_at <= {}) "
    "AND (lease_until IS NULL OR lease_until < {})"
)
_CLAIM_DUE = (
    "UPDATE refund SET next_attempt_at = {} WHERE id IN (SELECT id FROM refund WHERE "  # noqa: S608
    + _DUE
    + " ORDER BY next_attempt_at LIMIT {}) AND "
    + _DUE
    + " RETURNING id"
)


async def claim_due(now: datetime, queued_for: timedelta, limit: int) -> list[str]:
    """Take pending refunds due for another job and free of any, pushing their next attempt
    ``queued_for`` on: the job enqueued now has that long to take them."""
    rows = await fetch(
        _CLAIM_DUE,
        now + queued_for,
        now,
        now,
        limit,
        now,
        now,
    )
    return [row["id"] for row in rows]


_TAKE = (
    "UPDATE refund SET attempts = attempts + 1, lease_until = {} WHERE id = {} AND "  # noqa: S608
    + _STATUS_IN["take"]
    + " AND (lease_until IS NULL OR lease_until < {}) RETURNING attempts"
)


async def take(refund_id: str, now: datetime, lease: timedelta) -> int | None:
    """Hold a pending refund for one job until ``now + lease``: the number of this attempt,
    or None when the refund is settled or another job holds it."""
    rows = await fetch(
        _TAKE,
        now + lease,
        refund_id,
        now,
    )
    return int(rows[0]["attempts"]) if rows else None


async def let_go(refund_id: str, attempt: int, next_attempt_at: datetime) -> None:
    """End a job's hold on a refund still pending, and schedule the next attempt (unless
    another job took the refund meanwhile, its hold having run out)."""
    await RefundTable.update(
        {RefundTable.lease_until: None, RefundTable.next_attempt_at: next_attempt_at}
    ).where(
        (RefundTable.id == refund_id)
        & (RefundTable.attempts == attempt)
        & RefundTable.status.is_in(_ALLOWED["let_go"])
    )


#: Every column a refund is read from, as SQL text, and a row of them as a Refund.
SQL_COLUMNS = ", ".join(column._meta.db_column_name for column in _COLUMNS)


def refund_of(row: Mapping[str, Any]) -> Refund:
    return _refund(dict(row))
