"""Cursor pages, newest first (SPEC §7): a ``Window`` says which rows a list request
wants, a ``Page`` is what it gets.

``starting_after`` pages towards older rows, ``ending_before`` towards newer ones; each is
the id of a row of that same list (ids are UUIDv7, so ordering by id is ordering by age).
``created`` bounds the rows by their ``created_at``. A page is fetched with one extra row,
which only says whether there is more in the direction of travel.
"""

from datetime import datetime
from typing import Generic, TypeVar

import msgspec

from paylinks.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Created(msgspec.Struct, frozen=True):
    """Bounds on ``created_at``, each optional: ``created[gt]``, ``created[gte]``, …"""

    gt: datetime | None = None
    gte: datetime | None = None
    lt: datetime | None = None
    lte: datetime | None = None

    def bounds(self) -> list[tuple[str, datetime]]:
        """(operator, time) for each bound given."""
        given = (("gt", self.gt), ("gte", self.gte), ("lt", self.lt), ("lte", self.lte))
        return [(op, time) for op, time in given if time is not None]


ANY_TIME = Created()


class Window(msgspec.Struct, frozen=True):
    """What one list request asks for. ``limit`` None is every row (internal callers)."""

    limit: int | None = DEFAULT_LIMIT
    starting_after: str | None = None
    ending_before: str | None = None
    created: Created = ANY_TIME

    def __post_init__(self) -> None:
        if self.starting_after is not None and self.ending_before is not None:
            raise BadRequest(
                "invalid_cursor", "ending_before", "Give starting_after or ending_before, not both."
            )

    @property
    def cursor(self) -> tuple[str, str] | None:
        """(parameter, id) of the cursor given, if any."""
        if self.starting_after is not None:
            return "starting_after", self.starting_after
        if self.ending_before is not None:
            return "ending_before", self.ending_before
        return None


EVERY_ROW = Window(limit=None)


class Page(msgspec.Struct, Generic[T], frozen=True):
    data: list[T]
    has_more: bool


def page_of(rows: list[T], window: Window) -> Page[T]:
    """``rows`` as the window's query returned them: ``limit + 1`` of them at most, oldest
    first when paging back with ``ending_before``; the page is newest first either way."""
    limit = len(rows) if window.limit is None else window.limit
    data = rows[:limit]
    if window.ending_before is not None:
        data.reverse()
    return Page(data=data, has_more=len(rows) > limit)
