"""Paging through an API list with its cursors. The API only pages forward
(``starting_after=<last id>``), so the way back is the stack of cursors that opened each
page seen so far: ``[]`` is the first page, ``["venue_a"]`` the page after ``venue_a``."""

from collections.abc import Awaitable, Callable
from typing import Any

#: How many rows ``first_rows`` asks for at a time (the API's largest page).
BIG_PAGE = 100


def cursor(starts: list[str]) -> str | None:
    """The ``starting_after`` of the current page (None on the first)."""
    return starts[-1] if starts else None


def forward(starts: list[str], last_id: str) -> list[str]:
    return [*starts, last_id]


def back(starts: list[str]) -> list[str]:
    return starts[:-1]


def page_number(starts: list[str]) -> int:
    return len(starts) + 1


def rows_shown(starts: list[str], shown: int, page_size: int, has_more: bool) -> str:
    """Which rows the page shows, as far as the cursors know the total: ``Showing 1–20 of
    more than 20`` while there are more, ``Showing 41–45 of 45`` on the last page."""
    if shown <= 0:
        return ""
    first = (page_number(starts) - 1) * page_size + 1
    last = first + shown - 1
    rows = f"{first}–{last}" if last > first else f"{first}"
    total = f"more than {last}" if has_more else f"{last}"
    return f"Showing {rows} of {total}"


async def first_rows(
    list_page: Callable[[dict[str, Any]], Awaitable[Any]], pages: int
) -> tuple[list[dict[str, Any]], bool]:
    """The rows of the first ``pages`` big pages of a list, and whether there are more."""
    rows: list[dict[str, Any]] = []
    after: str | None = None
    more = False
    for _ in range(pages):
        page = await list_page({"limit": BIG_PAGE, "starting_after": after})
        rows.extend(page.get("data") or [])
        more = bool(page.get("has_more"))
        if not more or not rows:
            break
        after = str(rows[-1]["id"])
    return rows, more
