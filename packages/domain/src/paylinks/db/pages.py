"""Cursor pages as queries: what every list of ``paylinks.pagination`` selects."""

import operator
from typing import Any

from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.query.methods.select import Select

from paylinks.errors import BadRequest
from paylinks.pagination import Window


async def newest_first(
    query: Select[Any], id_column: Column, scope: Combinable, window: Window
) -> list[dict[str, Any]]:
    """The rows of ``query`` within ``scope`` (the list: a store's links, a payment's
    refunds) that ``window`` asks for, as ``paylinks.pagination.page_of`` expects them.

    A cursor must be the id of a row of the same list (400 naming it otherwise): compared
    as a string, a stranger's id or a typo would answer an empty or a whole page. Filters
    other than the scope do not apply to it, so that a link that expired between two
    pages still pages on from where it was."""
    table = id_column._meta.table
    query = query.where(scope)
    cursor = window.cursor
    if cursor is not None:
        parameter, row_id = cursor
        if not await table.exists().where(scope & (id_column == row_id)):
            raise BadRequest("invalid_cursor", parameter, "Not the id of an object of this list.")
    created_at = table._meta.get_column_by_name("created_at")
    for bound, time in window.created.bounds():
        query = query.where(_COMPARE[bound](created_at, time))
    if window.ending_before is not None:
        query = query.where(id_column > window.ending_before).order_by(id_column, ascending=True)
    else:
        if window.starting_after is not None:
            query = query.where(id_column < window.starting_after)
        query = query.order_by(id_column, ascending=False)
    if window.limit is not None:
        query = query.limit(window.limit + 1)
    rows: list[dict[str, Any]] = await query
    return rows


#: ``created[gt]`` … as comparisons of a column (Piccolo overloads the operators).
_COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
