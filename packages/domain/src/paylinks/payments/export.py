"""Payments with their refunds as CSV for the merchant's spreadsheet, streamed: a link's
(newest first) or a store's created in a date range (newest first), written a batch at a
time from ``stream.batches`` so that a million payments take no more memory than a few
hundred.

Each payment is one row (``object`` = ``payment``), followed by a row per refund of it
(``object`` = ``refund``, ``payment_id`` naming the payment; its amount is the refund's).
Amounts are in major units as a spreadsheet sums them (``120.00`` for £120.00, with the
currency's own decimals) beside their minor units (``12000``, what the API speaks); times
are RFC 3339 in UTC to the second. Every field is quoted, and no text that a spreadsheet
could take for a formula is written as it came.
"""

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import NamedTuple

from paylinks.errors import NotFound
from paylinks.links import repository as links
from paylinks.money import format_plain
from paylinks.pagination import Created
from paylinks.payments import stream
from paylinks.payments.model import Payment
from paylinks.refunds.model import Refund
from paylinks.stores.model import Principal
from paylinks.stores.service import require_payments


class Column(NamedTuple):
    name: str
    of_payment: Callable[[Payment], object]
    of_refund: Callable[[Refund], object]


def _time(value: datetime | None) -> str:
    """RFC 3339 in UTC to the second: ``2026-12-06T13:27:23Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _major(amount: int, currency: str) -> str:
    return format_plain(amount, currency)


def _blank(_: object) -> None:
    return None


#: The export's columns, in order: a column is one line here (both exports take it).
COLUMNS: tuple[Column, ...] = (
    Column("id", lambda p: p.id, lambda r: r.id),
    Column("created_at", lambda p: _time(p.created_at), lambda r: _time(r.created_at)),
    Column("paid_at", lambda p: _time(p.paid_at), _blank),
    Column("status", lambda p: p.status.value, lambda r: r.status.value),
    Column(
        "amount", lambda p: _major(p.amount, p.currency), lambda r: _major(r.amount, r.currency)
    ),
    Column("currency", lambda p: p.currency, lambda r: r.currency),
    Column("amount_refunded", lambda p: _major(p.amount_refunded, p.currency), _blank),
    Column("amount_minor", lambda p: p.amount, lambda r: r.amount),
    Column("amount_refunded_minor", lambda p: p.amount_refunded, _blank),
    Column("reference", lambda p: p.reference, lambda r: r.reference),
    Column("client_reference_id", lambda p: p.client_reference_id, _blank),
    Column("business_name", lambda p: p.customer.business_name, _blank),
    Column("customer_name", lambda p: p.customer.customer_name, _blank),
    Column("email", lambda p: p.customer.email, _blank),
    Column("phone", lambda p: p.customer.phone, _blank),
    Column("failure_reason", lambda p: p.failure_reason, lambda r: r.failure_reason),
    Column("object", lambda p: "payment", lambda r: "refund"),
    Column("payment_id", lambda p: p.id, lambda r: r.payment_id),
    Column("payment_link_id", lambda p: p.payment_link_id, lambda r: r.payment_link_id),
    Column("settled_at", _blank, lambda r: _time(r.settled_at)),
    Column("refund_reason", _blank, lambda r: r.reason),
)
CSV_COLUMNS = [column.name for column in COLUMNS]


async def link_csv(principal: Principal, link_id: str) -> AsyncIterator[bytes]:
    """The link's payments and refunds as CSV chunks; NotFound (before any byte) when the
    store has no such link."""
    require_payments(principal)
    if await links.get(principal.store_id, link_id) is None:
        raise NotFound("No such payment link.")
    return csv_chunks(stream.batches(stream.Scope(store_id=principal.store_id, link_id=link_id)))


def store_csv(principal: Principal, created: Created) -> AsyncIterator[bytes]:
    """The store's payments created within ``created`` with their refunds."""
    require_payments(principal)
    scope = stream.Scope(store_id=principal.store_id, created=created)
    return csv_chunks(stream.batches(scope))


async def csv_chunks(batches: AsyncIterator[stream.Batch]) -> AsyncIterator[bytes]:
    """The header at once (the first byte leaves before any query), then a chunk a batch."""
    yield _lines([CSV_COLUMNS])
    async for batch in batches:
        rows: list[list[str]] = []
        for payment, refunds in batch:
            rows.append([_cell(column.of_payment(payment)) for column in COLUMNS])
            rows.extend([_cell(column.of_refund(r)) for column in COLUMNS] for r in refunds)
        yield _lines(rows)


def _lines(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    # Every field quoted: a spreadsheet that splits on another separator (";" in many
    # locales) cannot cut customer text into cells that start a formula.
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    return out.getvalue().encode()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _csv_safe(value)
    return str(value)


def _csv_safe(text: str) -> str:
    """Text from customers and gateways cannot become a spreadsheet formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
