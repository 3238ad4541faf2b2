"""Payments with their refunds, read a batch at a time for the CSV export, in constant
memory however many there are.

On PostgreSQL the payments come from a server-side cursor inside one read-only, repeatable
read transaction (one consistent snapshot, the rows fetched ``batch`` at a time), on a
connection of the pool held until the last batch; on SQLite from keyset pages (each batch
starts after the last row of the one before). Each batch's refunds come in one more query.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import msgspec

from paylinks.db.engine import bound_engine
from paylinks.db.postgres import PoolEngine
from paylinks.db.sql import Row, fetch, numbered
from paylinks.pagination import ANY_TIME, Created
from paylinks.payments import repository as payments
from paylinks.payments.model import Payment
from paylinks.refunds import repository as refunds
from paylinks.refunds.model import Refund

BATCH = 500

Batch = list[tuple[Payment, list[Refund]]]


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    """Which payments: a store's, of one link or created within ``created``."""

    store_id: str
    link_id: str | None = None
    created: Created = ANY_TIME


#: ``created[gt]`` … as SQL comparisons.
_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _where(scope: Scope) -> tuple[str, list[Any], str, str]:
    """The scope's condition and its values, its order, and the keyset condition that
    follows a row (on the order's columns, with the row's values bound)."""
    conditions = ["store_id = {}"]
    values: list[Any] = [scope.store_id]
    if scope.link_id is not None:
        # A link's payments newest first by id (UUIDv7), on the (payment_link_id, id) index.
        conditions.append("payment_link_id = {}")
        values.append(scope.link_id)
        return " AND ".join(conditions), values, "id DESC", "id < {}"
    for bound, time in scope.created.bounds():
        conditions.append(f"created_at {_COMPARE[bound]} {{}}")
        values.append(time)
    # On the (store_id, created_at, id) index.
    keyset = "(created_at < {} OR (created_at = {} AND id < {}))"
    return " AND ".join(conditions), values, "created_at DESC, id DESC", keyset


def _after(scope: Scope, last: Payment) -> list[Any]:
    if scope.link_id is not None:
        return [last.id]
    return [last.created_at, last.created_at, last.id]


_REFUNDS = (
    "SELECT "  # noqa: S608
    + refunds.SQL_COLUMNS
    + " FROM refund WHERE payment_id IN ({marks}) ORDER BY payment_id, id"
)


def _refunds_query(size: int) -> str:
    return _REFUNDS.format(marks=", ".join(["{}"] * size))


def _with_refunds(rows: Sequence[Row], refund_rows: Sequence[Row]) -> Batch:
    of_payment: dict[str, list[Refund]] = {}
    for row in refund_rows:
        of_payment.setdefault(row["payment_id"], []).append(refunds.refund_of(row))
    batch = []
    for row in rows:
        payment = payments.payment_of(row)
        batch.append((payment, of_payment.get(payment.id, [])))
    return batch


def _ids_padded(rows: Sequence[Row], size: int) -> list[str]:
    """The rows' ids, the last repeated to ``size``: one statement text for every batch."""
    ids = [row["id"] for row in rows]
    return ids + [ids[-1]] * (size - len(ids))


async def batches(scope: Scope, batch: int = BATCH) -> AsyncIterator[Batch]:
    """The scope's payments in its order, ``batch`` at a time, each with its refunds."""
    engine = bound_engine()
    where, values, order, keyset = _where(scope)
    select = f"SELECT {payments.SQL_COLUMNS} FROM payment WHERE {where} ORDER BY {order}"  # noqa: S608
    if isinstance(engine, PoolEngine):
        async for found in _cursor(engine, select, values, batch):
            yield found
        return
    last: Payment | None = None
    while True:
        if last is None:
            rows = await fetch(f"{select} LIMIT {{}}", *values, batch)
        else:
            rows = await fetch(
                f"SELECT {payments.SQL_COLUMNS} FROM payment "  # noqa: S608
                f"WHERE {where} AND {keyset} ORDER BY {order} LIMIT {{}}",
                *values,
                *_after(scope, last),
                batch,
            )
        if not rows:
            return
        found = _with_refunds(rows, await fetch(_refunds_query(batch), *_ids_padded(rows, batch)))
        yield found
        if len(rows) < batch:
            return
        last = found[-1][0]


async def _cursor(
    engine: PoolEngine, select: str, values: list[Any], batch: int
) -> AsyncIterator[Batch]:
    connection = await engine.acquire()
    # Given back for reuse only after a clean end; a stream cut short (the client went
    # away) leaves a cursor mid-transaction: that connection is closed instead.
    reusable = False
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            cursor = await connection.cursor(numbered(select), *values)
            refunds_query = numbered(_refunds_query(batch))
            while rows := await cursor.fetch(batch):
                refund_rows = await connection.fetch(refunds_query, *_ids_padded(rows, batch))
                yield _with_refunds(rows, refund_rows)
        reusable = True
    finally:
        await engine.give_back(connection, reusable)
