"""Paging through an API list with its cursors. The API only pages forward
(``starting_after=<last id>``), so the way back is the stack of cursors that opened each
page seen so far: ``[]`` is the first page, ``["venue_a"]`` the page after ``venue_a``."""


def cursor(starts: list[str]) -> str | None:
    """The ``starting_after`` of the current page (None on the first)."""
    return starts[-1] if starts else None


def forward(starts: list[str], last_id: str) -> list[str]:
    return [*starts, last_id]


def back(starts: list[str]) -> list[str]:
    return starts[:-1]


def page_number(starts: list[str]) -> int:
    return len(starts) + 1
