"""Every query about payments, and the link-slot arithmetic of the capacity invariant.

Each write that guards money or capacity is one conditional ``UPDATE … WHERE … RETURNING``
(portable to SQLite and PostgreSQL), never a read-then-write in Python. Which statuses
such an update may find a payment in is the lifecycle's business: see ``GUARDS``.
"""

from datetime import datetime, timedelta
from typing import Any

from paylinks.db.pages import newest_first
from paylinks.db.sql import Row, fetch
from paylinks.links import repository as links
from paylinks.links.model import PaymentLink
from paylinks.links.tables import PaymentLinkTable
from paylinks.outcomes import Subject, report
from paylinks.pagination import Window
from paylinks.payments.model import (
    NOT_HONOURED,
    Customer,
    Payment,
    PaymentStatus,
    from_statuses,
)
from paylinks.payments.tables import PaymentTable

_NOT_IN_PAYMENT = {"confirm_started_at", "void_due_at", "void_attempts"}
_COLUMNS = [
    column for column in PaymentTable._meta.columns if column._meta.name not in _NOT_IN_PAYMENT
]
#: The end of a statement whose rows go through ``_payment``. The statements below that
#: add it (``noqa: S608``) join constant column names, never a value: values are bound.
_RETURNING = " RETURNING " + ", ".join(column._meta.db_column_name for column in _COLUMNS)


def _payment(row: Row) -> Payment:
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
        client_reference_id=row["client_reference_id"],
        locale=row["locale"],
    )


#: Where a confirmation takes a pending payment (canceled: its hold ran out meanwhile).
_DECIDED = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED})
#: Where a refund, once it succeeds, takes a paid payment.
_REFUNDED = frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.FULLY_REFUNDED})

#: Each update guarded by a payment's status, by the function that runs it: the statuses
#: it may find the payment in, and those it moves the payment to (for one that keeps the
#: status: those the rest of its use case moves it to). The first are the lifecycle's ways
#: to the second; a unit test holds them to ``TRANSITIONS`` and each statement to them.
GUARDS: dict[str, tuple[frozenset[PaymentStatus], frozenset[PaymentStatus]]] = {
    update: (from_statuses(*moves_to), moves_to)
    for update, moves_to in {
        "cancel_expired_holds": frozenset({PaymentStatus.CANCELED}),
        "claim_confirmation": _DECIDED,
        "release_confirmation": _DECIDED,
        "mark_succeeded": frozenset({PaymentStatus.SUCCEEDED}),
        "mark_failed": NOT_HONOURED,
        "hold_refund": _REFUNDED,
    }.items()
}
#: Each status as SQL text: a constant of the enum, never a value.
_LITERAL = {status: f"'{status.value}'" for status in PaymentStatus}
#: Each guarded update's condition on status.
_STATUS_IN = {
    update: "status IN (" + ", ".join(_LITERAL[status] for status in sorted(allowed)) + ")"
    for update, (allowed, _) in GUARDS.items()
}


_RESERVE = (
    "UPDATE payment_link SET slots_held = slots_held + 1 "  # noqa: S608
    "WHERE id = {} AND inactive_reason IS NULL AND (expires_at IS NULL OR expires_at > {}) "
    "AND (capacity IS NULL OR payments_count + slots_held < capacity) RETURNING "
    + links.SQL_COLUMNS
    + ", (SELECT gateway FROM store WHERE store.id = payment_link.store_id) AS store_gateway"
    + ", (SELECT country FROM store WHERE store.id = payment_link.store_id) AS store_country"
)


async def reserve_slot(link_id: str, now: datetime) -> tuple[PaymentLink, str | None, str] | None:
    """Take one slot of an active link with room left: the link as it now is, the name of
    its store's gateway and its store's country, or None when there is no such link or
    slot."""
    rows = await fetch(_RESERVE, link_id, now)
    if not rows:
        return None
    return links.link_of(rows[0]), rows[0]["store_gateway"], rows[0]["store_country"]


async def release_slots(link_id: str, count: int) -> None:
    await fetch(
        "UPDATE payment_link SET slots_held = slots_held - {} WHERE id = {}", count, link_id
    )


#: A Stripe PaymentIntent may hold the customer's funds: the void job cancels it there too.
_CANCEL_EXPIRED_HOLDS = (
    "UPDATE payment SET status = "  # noqa: S608
    + _LITERAL[PaymentStatus.CANCELED]
    + ", failure_reason = {}, void_due_at = CASE "
    "WHEN gateway = 'stripe' AND reference IS NOT NULL THEN hold_expires_at END "
    "WHERE " + _STATUS_IN["cancel_expired_holds"] + " AND hold_expires_at <= {}"
)


async def cancel_expired_holds(now: datetime, link_id: str | None = None) -> dict[str, int]:
    """Cancel pending payments whose hold has run out; returns slots freed per link.

    The status condition makes each cancellation happen once, however many sweepers run.
    """
    sql = _CANCEL_EXPIRED_HOLDS
    args: list[Any] = ["The payment was not completed in time.", now]
    if link_id is not None:
        sql += " AND payment_link_id = {}"
        args.append(link_id)
    rows = await fetch(sql + " RETURNING payment_link_id", *args)
    if rows:
        report(Subject.PAYMENT, PaymentStatus.CANCELED.value, len(rows))
    freed: dict[str, int] = {}
    for row in rows:
        freed[row["payment_link_id"]] = freed.get(row["payment_link_id"], 0) + 1
    for freed_link, count in freed.items():
        await release_slots(freed_link, count)
    return freed


async def claim_voids(now: datetime, lease: timedelta, limit: int) -> list[str]:
    """Take timed-out payments due to be cancelled at their gateway, for ``lease``."""
    rows = await fetch(
        "UPDATE payment SET void_due_at = {}, void_attempts = void_attempts + 1 "
        "WHERE id IN (SELECT id FROM payment WHERE void_due_at <= {} "
        "ORDER BY void_due_at LIMIT {}) AND void_due_at <= {} RETURNING id",
        now + lease,
        now,
        limit,
        now,
    )
    return [row["id"] for row in rows]


async def void_attempts(payment_id: str) -> int:
    row = (
        await PaymentTable.select(PaymentTable.void_attempts)
        .where(PaymentTable.id == payment_id)
        .first()
    )
    return int(row["void_attempts"]) if row else 0


async def schedule_void(payment_id: str, due_at: datetime | None) -> None:
    await PaymentTable.update({PaymentTable.void_due_at: due_at}).where(
        PaymentTable.id == payment_id
    )


async def earliest_hold_end(link_id: str) -> datetime | None:
    row = (
        await PaymentTable.select(PaymentTable.hold_expires_at)
        .where(
            (PaymentTable.payment_link_id == link_id)
            & (PaymentTable.status == PaymentStatus.PENDING.value)
        )
        .order_by(PaymentTable.hold_expires_at)
        .first()
    )
    return row["hold_expires_at"] if row else None


_INSERT = (
    "INSERT INTO payment (id, store_id, payment_link_id, amount, currency, status, gateway, "
    "reference, customer_business_name, customer_name, customer_email, customer_phone, "
    "hold_expires_at, created_at, client_reference_id, locale, amount_refunded, "
    "amount_refund_pending) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, 0)"
)


async def insert(payment: Payment) -> None:
    """A new pending payment (its other columns start empty or at zero)."""
    customer = payment.customer
    await fetch(
        _INSERT,
        payment.id,
        payment.store_id,
        payment.payment_link_id,
        payment.amount,
        payment.currency,
        payment.status.value,
        payment.gateway,
        payment.reference,
        customer.business_name,
        customer.customer_name,
        customer.email,
        customer.phone,
        payment.hold_expires_at,
        payment.created_at,
        payment.client_reference_id,
        payment.locale,
    )


async def set_reference(payment_id: str, reference: str) -> None:
    await fetch("UPDATE payment SET reference = {} WHERE id = {}", reference, payment_id)


async def get(payment_id: str, store_id: str | None = None) -> Payment | None:
    query = PaymentTable.select(*_COLUMNS).where(PaymentTable.id == payment_id)
    if store_id is not None:
        query = query.where(PaymentTable.store_id == store_id)
    row = await query.first()
    return _payment(row) if row else None


async def get_by_reference(reference: str) -> Payment | None:
    row = await PaymentTable.select(*_COLUMNS).where(PaymentTable.reference == reference).first()
    return _payment(row) if row else None


_CLAIM_CONFIRMATION = (
    "UPDATE payment SET confirm_started_at = {}, hold_expires_at = CASE "  # noqa: S608
    "WHEN hold_expires_at < {} THEN {} ELSE hold_expires_at END WHERE id = {} AND "
    + _STATUS_IN["claim_confirmation"]
    + " AND confirm_started_at IS NULL AND hold_expires_at > {} AND NOT EXISTS ("
    "SELECT 1 FROM payment_link l WHERE l.id = payment.payment_link_id "
    "AND l.inactive_reason = 'deactivated')" + _RETURNING
)


async def claim_confirmation(
    payment_id: str, now: datetime, held_until: datetime
) -> Payment | None:
    """Let exactly one confirmation of a pending, still-held payment of a link that was not
    deactivated talk to the gateway, its hold lengthened to ``held_until`` (the short hold
    of a start becomes the full reservation once the customer pays): the payment, or None
    when it may not (the caller reads it again to say why). The slot stays the one the
    start took: only a hold that has not run out is lengthened, in the same statement."""
    rows = await fetch(
        _CLAIM_CONFIRMATION,
        now,
        held_until,
        held_until,
        payment_id,
        now,
    )
    return _payment(rows[0]) if rows else None


_RELEASE_CONFIRMATION = (
    "UPDATE payment SET confirm_started_at = NULL WHERE id = {} AND "  # noqa: S608
    + _STATUS_IN["release_confirmation"]
)


async def release_confirmation(payment_id: str) -> None:
    """Let a later confirmation (the customer's retry, a gateway webhook) decide a payment
    whose gateway could not be asked."""
    await fetch(_RELEASE_CONFIRMATION, payment_id)


#: The slot becomes a success in the link's totals; the link closes at its cap. The CASEs
#: read the row as it was before this update (both engines do).
_COUNT_SUCCESS = (
    "UPDATE payment_link SET slots_held = slots_held - 1, "  # noqa: S608
    "payments_count = payments_count + 1, amount_collected = amount_collected + {}, "
    "deactivated_at = CASE WHEN inactive_reason IS NULL AND capacity IS NOT NULL "
    "AND payments_count + 1 >= capacity THEN {} ELSE deactivated_at END, "
    "inactive_reason = CASE WHEN inactive_reason IS NULL AND capacity IS NOT NULL "
    "AND payments_count + 1 >= capacity THEN CASE WHEN type = 'one_off' "
    "THEN 'completed' ELSE 'max_payments_reached' END ELSE inactive_reason END "
    "WHERE id = {} RETURNING " + links.SQL_COLUMNS
)


_MARK_SUCCEEDED = (
    "UPDATE payment SET status = "  # noqa: S608
    + _LITERAL[PaymentStatus.SUCCEEDED]
    + ", paid_at = {}, card_last4 = {} WHERE id = {} AND "
    + _STATUS_IN["mark_succeeded"]
    + " AND hold_expires_at > {}"
    + _RETURNING
)


async def mark_succeeded(
    payment: Payment, now: datetime, card_last4: str | None
) -> tuple[Payment, PaymentLink] | None:
    """Record the success while the hold is still valid, and move the slot into the link's
    totals (closing the link at its cap) in the same transaction: the paid payment and its
    link as they now are, or None when the hold had run out or it was decided already."""
    rows = await fetch(
        _MARK_SUCCEEDED,
        now,
        card_last4,
        payment.id,
        now,
    )
    if not rows:
        return None
    report(Subject.PAYMENT, PaymentStatus.SUCCEEDED.value)
    link_rows = await fetch(_COUNT_SUCCESS, payment.amount, now, payment.payment_link_id)
    return _payment(rows[0]), links.link_of(link_rows[0])


_MARK_FAILED = (
    "UPDATE payment SET status = {}, failure_reason = {}, card_last4 = {} WHERE id = {} AND "  # noqa: S608
    + _STATUS_IN["mark_failed"]
    + _RETURNING
)


async def mark_failed(
    payment: Payment,
    reason: str,
    card_last4: str | None,
    status: PaymentStatus = PaymentStatus.FAILED,
    *,
    release_at: datetime | None,
) -> Payment | None:
    """Fail or cancel a pending payment and free its slot at once: the payment as it now
    is, or None when it was not pending any more. ``release_at``: when the void job is to
    give back what a Stripe PaymentIntent may still hold (None: nothing is held there)."""
    rows = await fetch(
        _MARK_FAILED,
        status.value,
        reason[:300],
        card_last4,
        payment.id,
    )
    if not rows:
        return None
    report(Subject.PAYMENT, status.value)
    await release_slots(payment.payment_link_id, 1)
    failed = _payment(rows[0])
    # As ``cancel_expired_holds``: a Stripe PaymentIntent may hold the customer's funds.
    if release_at is not None and failed.gateway == "stripe" and failed.reference is not None:
        await schedule_void(failed.id, release_at)
    return failed


_HOLD_REFUND = (
    "UPDATE payment SET amount_refund_pending = amount_refund_pending + {} WHERE id = {} AND "  # noqa: S608
    + _STATUS_IN["hold_refund"]
    + " AND amount - amount_refunded - amount_refund_pending >= {} RETURNING id"
)


async def hold_refund(payment_id: str, amount: int) -> bool:
    """Set ``amount`` aside as pending refund if that much is still refundable."""
    rows = await fetch(
        _HOLD_REFUND,
        amount,
        payment_id,
        amount,
    )
    return bool(rows)


#: ``status_after_refunds``, in SQL: the row as it was before the update.
_SETTLE_REFUND = (
    "UPDATE payment SET amount_refund_pending = amount_refund_pending - {}, "  # noqa: S608
    "amount_refunded = amount_refunded + {}, status = CASE "
    "WHEN amount_refunded + {} >= amount THEN "
    + _LITERAL[PaymentStatus.FULLY_REFUNDED]
    + " ELSE "
    + _LITERAL[PaymentStatus.PARTIALLY_REFUNDED]
    + " END WHERE id = {}"
)


async def settle_refund(payment: Payment, amount: int, succeeded: bool) -> None:
    """Move a pending refund amount into the refunded total, or free it again."""
    if succeeded:
        await fetch(
            _SETTLE_REFUND,
            amount,
            amount,
            amount,
            payment.id,
        )
        await PaymentLinkTable.update(
            {PaymentLinkTable.amount_refunded: PaymentLinkTable.amount_refunded + amount}
        ).where(PaymentLinkTable.id == payment.payment_link_id)
    else:
        await fetch(
            "UPDATE payment SET amount_refund_pending = amount_refund_pending - {} WHERE id = {}",
            amount,
            payment.id,
        )


async def list_for_link(
    link_id: str,
    store_id: str,
    status: PaymentStatus | None,
    window: Window,
    client_reference_id: str | None = None,
) -> list[Payment]:
    scope = (PaymentTable.payment_link_id == link_id) & (PaymentTable.store_id == store_id)
    query = PaymentTable.select(*_COLUMNS)
    if status is not None:
        query = query.where(PaymentTable.status == status.value)
    if client_reference_id is not None:
        query = query.where(PaymentTable.client_reference_id == client_reference_id)
    return [_payment(row) for row in await newest_first(query, PaymentTable.id, scope, window)]


#: Every column a payment is read from, as SQL text, and a row of them as a Payment: for
#: statements written elsewhere by hand (the CSV export's cursor).
SQL_COLUMNS = ", ".join(column._meta.db_column_name for column in _COLUMNS)
payment_of = _payment
