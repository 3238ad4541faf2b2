"""Every query about payment links. Status filters are derived in SQL at request time."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec
from piccolo.columns.combination import And, Or, Where, WhereRaw

from paylinks.db.pages import newest_first
from paylinks.db.sql import Row, fetch
from paylinks.links.edits import AMOUNT_FIELDS, EDITABLE
from paylinks.links.model import (
    REACTIVATABLE,
    AfterPayment,
    AmountType,
    CustomerFields,
    InactiveReason,
    LinkStatus,
    LinkType,
    Merchant,
    PaymentLink,
    link_capacity,
)
from paylinks.links.tables import PaymentLinkTable
from paylinks.pagination import Window

_after_payment = msgspec.json.Decoder(AfterPayment)
_customer_fields = msgspec.json.Decoder(CustomerFields)
_metadata = msgspec.json.Decoder(dict[str, str])
_encode = msgspec.json.encode

_COLUMNS = [column for column in PaymentLinkTable._meta.columns]
#: Every column, for hand-written SQL whose rows go through ``link_of``.
SQL_COLUMNS = ", ".join(column._meta.db_column_name for column in _COLUMNS)


def link_of(row: Row) -> PaymentLink:
    reason = row["inactive_reason"]
    return PaymentLink(
        id=row["id"],
        store_id=row["store_id"],
        title=row["title"],
        type=LinkType(row["type"]),
        amount_type=AmountType(row["amount_type"]),
        currency=row["currency"],
        description=row["description"],
        reference=row["reference"],
        amount=row["amount"],
        min_amount=row["min_amount"],
        max_amount=row["max_amount"],
        max_payments=row["max_payments"],
        expires_at=row["expires_at"],
        image_id=row["image_id"],
        customer_fields=_customer_fields.decode(row["customer_fields"]),
        after_payment=_after_payment.decode(row["after_payment"]),
        venue_id=row["venue_id"],
        metadata=_metadata.decode(row["metadata"]),
        inactive_reason=InactiveReason(reason) if reason else None,
        payments_count=row["payments_count"],
        amount_collected=row["amount_collected"],
        amount_refunded=row["amount_refunded"],
        created_at=row["created_at"],
        deactivated_at=row["deactivated_at"],
    )


async def insert(link: PaymentLink) -> None:
    await PaymentLinkTable.insert(
        PaymentLinkTable(
            id=link.id,
            store_id=link.store_id,
            venue_id=link.venue_id,
            title=link.title,
            description=link.description,
            reference=link.reference,
            type=link.type.value,
            amount_type=link.amount_type.value,
            currency=link.currency,
            amount=link.amount,
            min_amount=link.min_amount,
            max_amount=link.max_amount,
            max_payments=link.max_payments,
            expires_at=link.expires_at,
            image_id=link.image_id,
            customer_fields=_encode(link.customer_fields).decode(),
            after_payment=_encode(link.after_payment).decode(),
            metadata=_encode(link.metadata).decode(),
            inactive_reason=None,
            capacity=link.capacity,
            slots_held=0,
            payments_count=0,
            amount_collected=0,
            amount_refunded=0,
            created_at=link.created_at,
            deactivated_at=None,
        )
    )


async def get(store_id: str, link_id: str) -> PaymentLink | None:
    row = (
        await PaymentLinkTable.select(*_COLUMNS)
        .where((PaymentLinkTable.id == link_id) & (PaymentLinkTable.store_id == store_id))
        .first()
    )
    return link_of(row) if row else None


def _status_condition(status: LinkStatus, now: datetime) -> Where | And | Or:
    if status is LinkStatus.INACTIVE:
        return PaymentLinkTable.inactive_reason.is_not_null()
    if status is LinkStatus.EXPIRED:
        return PaymentLinkTable.inactive_reason.is_null() & (PaymentLinkTable.expires_at <= now)
    return PaymentLinkTable.inactive_reason.is_null() & (
        PaymentLinkTable.expires_at.is_null() | (PaymentLinkTable.expires_at > now)
    )


class LinkFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: LinkStatus | None = None
    type: LinkType | None = None
    venue_id: str | None = None
    q: str | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_links(
    store_id: str, filters: LinkFilter, now: datetime, window: Window
) -> list[PaymentLink]:
    """Newest first, the rows of ``window`` (``paylinks.pagination``)."""
    query = PaymentLinkTable.select(*_COLUMNS)
    if filters.status is not None:
        query = query.where(_status_condition(filters.status, now))
    if filters.type is not None:
        query = query.where(PaymentLinkTable.type == filters.type.value)
    if filters.venue_id is not None:
        query = query.where(PaymentLinkTable.venue_id == filters.venue_id)
    if filters.q:
        pattern = _like_pattern(filters.q.lower())
        # Portable case-insensitive substring search; the escape makes % and _ literal.
        query = query.where(
            WhereRaw(
                "(lower(title) LIKE {} ESCAPE '\\' OR lower(reference) LIKE {} ESCAPE '\\')",
                pattern,
                pattern,
            )
        )
    scope = PaymentLinkTable.store_id == store_id
    rows = await newest_first(query, PaymentLinkTable.id, scope, window)
    return [link_of(row) for row in rows]


async def deactivate(store_id: str, link_id: str, now: datetime) -> bool:
    """Mark an active link deactivated; False when it was already inactive.

    A conditional update, so that a link paid to completion at the same moment keeps the
    reason that came first.
    """
    rows = (
        await PaymentLinkTable.update(
            {
                PaymentLinkTable.inactive_reason: InactiveReason.DEACTIVATED.value,
                PaymentLinkTable.deactivated_at: now,
            }
        )
        .where(
            (PaymentLinkTable.id == link_id)
            & (PaymentLinkTable.store_id == store_id)
            & PaymentLinkTable.inactive_reason.is_null()
        )
        .returning(PaymentLinkTable.id)
    )
    return bool(rows)


_BY_ID = "SELECT " + SQL_COLUMNS + " FROM payment_link WHERE id = {}"  # noqa: S608 (names)


async def get_public(link_id: str) -> PaymentLink | None:
    """A link by id alone, for the public checkout (which knows no store)."""
    rows = await fetch(_BY_ID, link_id)
    return link_of(rows[0]) if rows else None


_WITH_MERCHANT = (
    "SELECT "
    + ", ".join(f"l.{column._meta.db_column_name}" for column in _COLUMNS)
    + ", s.name AS merchant_name, s.gateway AS merchant_gateway, "
    "s.stripe_publishable_key AS merchant_publishable_key, s.country AS merchant_country, "
    "s.brand_color AS merchant_brand_color, s.logo_image_id AS merchant_logo_image_id, "
    "s.receipts_enabled AS merchant_receipts_enabled "
    "FROM payment_link l JOIN store s ON s.id = l.store_id WHERE l.id = {}"
)


async def get_public_with_merchant(link_id: str) -> tuple[PaymentLink, Merchant] | None:
    """A link and its store's public face in one query (the checkout's hot path: the
    page, and the start of a payment)."""
    rows = await fetch(_WITH_MERCHANT, link_id)
    if not rows:
        return None
    row = rows[0]
    merchant = Merchant(
        row["merchant_name"],
        row["merchant_gateway"],
        row["merchant_publishable_key"],
        country=row["merchant_country"],
        brand_color=row["merchant_brand_color"],
        logo_image_id=row["merchant_logo_image_id"],
        receipts_enabled=bool(row["merchant_receipts_enabled"]),
    )
    return link_of(row), merchant


#: The editable fields stored as JSON text; every editable field is the column of its name.
_JSON_FIELDS = frozenset({"customer_fields", "after_payment", "metadata"})


def _stored(field: str, value: Any) -> Any:
    """An edited field's value as its column holds it."""
    if value is None:
        return None
    if field in _JSON_FIELDS:
        return _encode(value).decode()
    return value.value if isinstance(value, StrEnum) else value


#: An amount changes only while no payment was taken nor is under way.
_UNPAID = " AND payments_count = 0 AND slots_held = 0"
#: A cap not below the payments taken plus the slots held; one that equals the payments
#: taken closes the link as a payment reaching it would (see ``payments.repository``).
_CAP_ROOM = " AND payments_count + slots_held <= {}"
_CAP_CLOSES = (
    ", deactivated_at = CASE WHEN inactive_reason IS NULL AND payments_count >= {} "
    "THEN {} ELSE deactivated_at END, inactive_reason = CASE WHEN inactive_reason IS NULL "
    "AND payments_count >= {} THEN '" + InactiveReason.MAX_PAYMENTS_REACHED.value + "' "
    "ELSE inactive_reason END"
)


async def update(link: PaymentLink, changes: dict[str, Any], now: datetime) -> PaymentLink | None:
    """Apply checked ``changes`` in one conditional update: the link as it now is, or None
    when a payment came first (an amount change on a link now paid or under way, a cap
    below the payments taken plus those under way)."""
    sets: list[str] = []
    args: list[Any] = []
    for field, value in changes.items():
        if field not in EDITABLE:  # the names below become SQL: only the known ones
            raise ValueError(f"Not an editable field: {field}")
        sets.append(f"{field} = {{}}")
        args.append(_stored(field, value))
    guards = ""
    guard_args: list[Any] = []
    if "max_payments" in changes:
        capacity = link_capacity(link.type, changes["max_payments"])
        sets.append("capacity = {}")
        args.append(capacity)
        if capacity is not None:
            sets[-1] += _CAP_CLOSES
            args += [capacity, now, capacity]
            guards += _CAP_ROOM
            guard_args.append(capacity)
    if AMOUNT_FIELDS & changes.keys():
        guards += _UNPAID
    sql = (
        "UPDATE payment_link SET "  # noqa: S608 (column names are constants)
        + ", ".join(sets)
        + " WHERE id = {} AND store_id = {}"
        + guards
        + " RETURNING "
        + SQL_COLUMNS
    )
    rows = await fetch(sql, *args, link.id, link.store_id, *guard_args)
    return link_of(rows[0]) if rows else None


_REACTIVATE = (
    "UPDATE payment_link SET inactive_reason = NULL, deactivated_at = NULL "  # noqa: S608
    "WHERE id = {} AND store_id = {} AND inactive_reason IN ("
    + ", ".join(f"'{reason.value}'" for reason in sorted(REACTIVATABLE))
    + ") AND (capacity IS NULL OR payments_count < capacity) RETURNING "
    + SQL_COLUMNS
)


async def reactivate(store_id: str, link_id: str) -> PaymentLink | None:
    """Make an inactive link active again when its reason allows it (``REACTIVATABLE``)
    and its successful payments leave room under its cap; None otherwise."""
    rows = await fetch(_REACTIVATE, link_id, store_id)
    return link_of(rows[0]) if rows else None


async def payments_taken(store_id: str, link_id: str) -> tuple[int, int]:
    """The link's successful payments, and the slots held by payments under way."""
    row = (
        await PaymentLinkTable.select(PaymentLinkTable.payments_count, PaymentLinkTable.slots_held)
        .where((PaymentLinkTable.id == link_id) & (PaymentLinkTable.store_id == store_id))
        .first()
    )
    return (row["payments_count"], row["slots_held"]) if row else (0, 0)
