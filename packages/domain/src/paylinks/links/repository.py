"""Every query about payment links. Status filters are derived in SQL at request time."""

from datetime import datetime

import msgspec
from piccolo.columns.combination import And, Or, Where, WhereRaw

from paylinks.db.pages import newest_first
from paylinks.db.sql import Row, fetch
from paylinks.links.model import (
    AfterPayment,
    AmountType,
    CustomerFields,
    InactiveReason,
    LinkStatus,
    LinkType,
    Merchant,
    PaymentLink,
)
from paylinks.links.tables import PaymentLinkTable

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
    store_id: str, filters: LinkFilter, now: datetime, limit: int, starting_after: str | None
) -> list[PaymentLink]:
    """Newest first, ``limit + 1`` rows (the extra one tells the caller there is more)."""
    query = PaymentLinkTable.select(*_COLUMNS).where(PaymentLinkTable.store_id == store_id)
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
    rows = await newest_first(query, PaymentLinkTable.id, limit, starting_after)
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
