"""Every query about payments, and the link-slot arithmetic of the capacity invariant.

Each write that guards money or capacity is one conditional ``UPDATE … WHERE … RETURNING``
(portable to SQLite and PostgreSQL), never a read-then-write in Python.
"""

from datetime import datetime
from typing import Any

from paylinks.links.tables import PaymentLinkTable
from paylinks.payments.model import Customer, Payment, PaymentStatus
from paylinks.payments.tables import PaymentTable as T

_COLUMNS = [column for column in T._meta.columns if column._meta.name != "confirm_started_at"]


def _payment(row: dict[str, Any]) -> Payment:
    return Payment(
        id=row["id"],
        store_id=row["store_id"],
        payment_link_id=row["payment_link_id"],
        amount=row["amount"],
        currency=row["currency"],
        status=PaymentStatus(row["status"]),
        gateway=row["gateway"],
        reference=row["reference"],
        customer=Customer(
            business_name=row["customer_business_name"],
            customer_name=row["customer_name"],
            email=row["customer_email"],
            phone=row["customer_phone"],
        ),
        card_last4=row["card_last4"],
        failure_reason=row["failure_reason"],
        hold_expires_at=row["hold_expires_at"],
        created_at=row["created_at"],
        paid_at=row["paid_at"],
        amount_refunded=row["amount_refunded"],
        amount_refund_pending=row["amount_refund_pending"],
    )


async def _raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await T.raw(sql, *args)
    return rows


async def reserve_slot(link_id: str, now: datetime) -> bool:
    """Take one slot of an active link with room left; False when there is none."""
    rows = await _raw(
        "UPDATE payment_link SET slots_held = slots_held + 1 "
        "WHERE id = {} AND inactive_reason IS NULL AND (expires_at IS NULL OR expires_at > {}) "
        "AND (capacity IS NULL OR payments_count + slots_held < capacity) RETURNING id",
        link_id,
        now,
    )
    return bool(rows)


async def release_slots(link_id: str, count: int) -> None:
    await _raw("UPDATE payment_link SET slots_held = slots_held - {} WHERE id = {}", count, link_id)


async def cancel_expired_holds(now: datetime, link_id: str | None = None) -> dict[str, int]:
    """Cancel pending payments whose hold has run out; returns slots freed per link.

    The status condition makes each cancellation happen once, however many sweepers run.
    """
    sql = (
        "UPDATE payment SET status = 'canceled', failure_reason = {} "
        "WHERE status = 'pending' AND hold_expires_at <= {}"
    )
    args: list[Any] = ["The payment was not completed in time.", now]
    if link_id is not None:
        sql += " AND payment_link_id = {}"
        args.append(link_id)
    rows = await _raw(sql + " RETURNING payment_link_id", *args)
    freed: dict[str, int] = {}
    for row in rows:
        freed[row["payment_link_id"]] = freed.get(row["payment_link_id"], 0) + 1
    for freed_link, count in freed.items():
        await release_slots(freed_link, count)
    return freed


async def earliest_hold_end(link_id: str) -> datetime | None:
    row = (
        await T.select(T.hold_expires_at)
        .where((T.payment_link_id == link_id) & (T.status == PaymentStatus.PENDING.value))
        .order_by(T.hold_expires_at)
        .first()
    )
    return row["hold_expires_at"] if row else None


async def insert(payment: Payment) -> None:
    customer = payment.customer
    await T.insert(
        T(
            id=payment.id,
            store_id=payment.store_id,
            payment_link_id=payment.payment_link_id,
            amount=payment.amount,
            currency=payment.currency,
            status=payment.status.value,
            gateway=payment.gateway,
            reference=payment.reference,
            customer_business_name=customer.business_name,
            customer_name=customer.customer_name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            card_last4=None,
            failure_reason=None,
            hold_expires_at=payment.hold_expires_at,
            confirm_started_at=None,
            created_at=payment.created_at,
            paid_at=None,
            amount_refunded=0,
            amount_refund_pending=0,
        )
    )


async def set_reference(payment_id: str, reference: str) -> None:
    await T.update({T.reference: reference}).where(T.id == payment_id)


async def get(payment_id: str, store_id: str | None = None) -> Payment | None:
    query = T.select(*_COLUMNS).where(T.id == payment_id)
    if store_id is not None:
        query = query.where(T.store_id == store_id)
    row = await query.first()
    return _payment(row) if row else None


async def get_by_reference(reference: str) -> Payment | None:
    row = await T.select(*_COLUMNS).where(T.reference == reference).first()
    return _payment(row) if row else None


async def claim_confirmation(payment_id: str, now: datetime) -> bool:
    """Let exactly one confirmation of a pending, still-held payment talk to the gateway."""
    rows = await _raw(
        "UPDATE payment SET confirm_started_at = {} WHERE id = {} AND status = 'pending' "
        "AND confirm_started_at IS NULL AND hold_expires_at > {} RETURNING id",
        now,
        payment_id,
        now,
    )
    return bool(rows)


async def mark_succeeded(payment: Payment, now: datetime, card_last4: str | None) -> bool:
    """Record the success while the hold is still valid, and move the slot into the link's
    totals (closing the link at its cap) in the same transaction."""
    rows = await _raw(
        "UPDATE payment SET status = 'succeeded', paid_at = {}, card_last4 = {} "
        "WHERE id = {} AND status = 'pending' AND hold_expires_at > {} RETURNING id",
        now,
        card_last4,
        payment.id,
        now,
    )
    if not rows:
        return False
    # The CASEs read the row as it was before this update (both engines do).
    await _raw(
        "UPDATE payment_link SET slots_held = slots_held - 1, "
        "payments_count = payments_count + 1, amount_collected = amount_collected + {}, "
        "deactivated_at = CASE WHEN inactive_reason IS NULL AND capacity IS NOT NULL "
        "AND payments_count + 1 >= capacity THEN {} ELSE deactivated_at END, "
        "inactive_reason = CASE WHEN inactive_reason IS NULL AND capacity IS NOT NULL "
        "AND payments_count + 1 >= capacity THEN CASE WHEN type = 'one_off' "
        "THEN 'completed' ELSE 'max_payments_reached' END ELSE inactive_reason END "
        "WHERE id = {}",
        payment.amount,
        now,
        payment.payment_link_id,
    )
    return True


async def mark_failed(
    payment: Payment,
    reason: str,
    card_last4: str | None,
    status: PaymentStatus = PaymentStatus.FAILED,
) -> bool:
    """Fail or cancel a pending payment and free its slot at once."""
    rows = await _raw(
        "UPDATE payment SET status = {}, failure_reason = {}, card_last4 = {} "
        "WHERE id = {} AND status = 'pending' RETURNING id",
        status.value,
        reason[:300],
        card_last4,
        payment.id,
    )
    if not rows:
        return False
    await release_slots(payment.payment_link_id, 1)
    return True


async def hold_refund(payment_id: str, amount: int) -> bool:
    """Set ``amount`` aside as pending refund if that much is still refundable."""
    rows = await _raw(
        "UPDATE payment SET amount_refund_pending = amount_refund_pending + {} "
        "WHERE id = {} AND status IN ('succeeded', 'partially_refunded') "
        "AND amount - amount_refunded - amount_refund_pending >= {} RETURNING id",
        amount,
        payment_id,
        amount,
    )
    return bool(rows)


async def settle_refund(payment: Payment, amount: int, succeeded: bool) -> None:
    """Move a pending refund amount into the refunded total, or free it again."""
    if succeeded:
        await _raw(
            "UPDATE payment SET amount_refund_pending = amount_refund_pending - {}, "
            "amount_refunded = amount_refunded + {}, status = CASE "
            "WHEN amount_refunded + {} >= amount THEN 'fully_refunded' "
            "ELSE 'partially_refunded' END WHERE id = {}",
            amount,
            amount,
            amount,
            payment.id,
        )
        await PaymentLinkTable.update(
            {PaymentLinkTable.amount_refunded: PaymentLinkTable.amount_refunded + amount}
        ).where(PaymentLinkTable.id == payment.payment_link_id)
    else:
        await _raw(
            "UPDATE payment SET amount_refund_pending = amount_refund_pending - {} WHERE id = {}",
            amount,
            payment.id,
        )


async def list_for_link(
    link_id: str,
    store_id: str,
    status: PaymentStatus | None,
    limit: int | None,
    starting_after: str | None,
) -> list[Payment]:
    query = T.select(*_COLUMNS).where((T.payment_link_id == link_id) & (T.store_id == store_id))
    if status is not None:
        query = query.where(T.status == status.value)
    if starting_after:
        query = query.where(T.id < starting_after)
    query = query.order_by(T.id, ascending=False)
    if limit is not None:
        query = query.limit(limit + 1)
    return [_payment(row) for row in await query]
