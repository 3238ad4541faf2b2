"""Cursor pages as queries: what every list of ``paylinks.pagination`` selects."""

from typing import Any

from piccolo.columns import Column
from piccolo.query.methods.select import Select


def newest_first(
    query: Select[Any], id_column: Column, limit: int | None, starting_after: str | None
) -> Select[Any]:
    """Rows with ids below ``starting_after``, newest first (ids are UUIDv7), ``limit + 1``
    of them (the extra one says there is more), or every row when ``limit`` is None."""
    if starting_after:
        query = query.where(id_column < starting_after)
    query = query.order_by(id_column, ascending=False)
    return query if limit is None else query.limit(limit + 1)
