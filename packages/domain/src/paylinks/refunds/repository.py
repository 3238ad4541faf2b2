from datetime import datetime
from typing import Any

from paylinks.refunds.model import Refund, RefundStatus
from paylinks.refunds.tables import RefundTable as T

_COLUMNS = list(T._meta.columns)


def _refund(row: dict[str, Any]) -> Refund:
    return Refund(**{**row, "status": RefundStatus(row["status"])})


async def insert(refund: Refund) -> None:
    await T.insert(T(**{field: getattr(refund, field) for field in Refund.__struct_fields__}))


async def get(refund_id: str, store_id: str | None = None) -> Refund | None:
    query = T.select(*_COLUMNS).where(T.id == refund_id)
    if store_id is not None:
        query = query.where(T.store_id == store_id)
    row = await query.first()
    return _refund(row) if row else None


async def get_by_reference(reference: str) -> Refund | None:
    row = await T.select(*_COLUMNS).where(T.reference == reference).first()
    return _refund(row) if row else None


async def set_reference(refund_id: str, reference: str) -> None:
    await T.update({T.reference: reference}).where(T.id == refund_id)


async def settle(
    refund_id: str, status: RefundStatus, failure_reason: str | None, now: datetime
) -> bool:
    """Pending → final, once: False when another settlement came first."""
    rows = (
        await T.update(
            {T.status: status.value, T.failure_reason: failure_reason, T.settled_at: now}
        )
        .where((T.id == refund_id) & (T.status == RefundStatus.PENDING.value))
        .returning(T.id)
    )
    return bool(rows)


async def list_for_payment(payment_id: str) -> list[Refund]:
    rows = (
        await T.select(*_COLUMNS).where(T.payment_id == payment_id).order_by(T.id, ascending=False)
    )
    return [_refund(row) for row in rows]


async def pending_ids(limit: int) -> list[str]:
    rows = (
        await T.select(T.id)
        .where(T.status == RefundStatus.PENDING.value)
        .order_by(T.id)
        .limit(limit)
    )
    return [row["id"] for row in rows]
