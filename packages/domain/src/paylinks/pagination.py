"""Cursor pages: newest first, ``starting_after`` an id, one extra row to know ``has_more``."""

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Page(msgspec.Struct, Generic[T], frozen=True):
    data: list[T]
    has_more: bool


def page_of(rows: list[T], limit: int) -> Page[T]:
    """``rows`` was fetched with ``limit + 1``; the extra row only says there is more."""
    return Page(data=rows[:limit], has_more=len(rows) > limit)
