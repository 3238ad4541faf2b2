"""The state of a list read from the API a page at a time, with Previous and Next (see
``cursor_pages``). Mixed into a page's state next to ``SessionState``
(``class VenuesState(CursorPages, SessionState)``), which says how to ask the API for a
page (``_list_page``) and what to keep of its rows (``_show_page``)."""

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.failures import FAILURES, message

PAGE_SIZE = 20


class CursorPages(rx.State, mixin=True):
    page_starts: list[str] = []
    has_more: bool = False
    loading: bool = False
    #: The API was asked at least once (no empty state before that).
    loaded: bool = False
    load_error: str = ""
    #: How many rows the page shown has.
    shown: int = 0
    #: The id of the last row of the page shown: Next starts after it.
    _last_id: str = ""

    @rx.var
    def page_number(self) -> int:
        return cursor_pages.page_number(self.page_starts)

    @rx.var
    def rows_shown(self) -> str:
        """``Showing 21–40 of more than 40``: where this page is in the list."""
        return cursor_pages.rows_shown(self.page_starts, self.shown, PAGE_SIZE, self.has_more)

    @rx.var
    def has_previous(self) -> bool:
        return bool(self.page_starts)

    async def _list_page(self, params: api.Params) -> Any:
        """One page from the API, asked with ``limit`` and ``starting_after``."""
        raise NotImplementedError

    def _show_page(self, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    async def _fetch_page(self) -> None:
        """The page that ``page_starts`` opens, or why it cannot be shown."""
        self.loading = True
        self.load_error = ""
        try:
            page = await self._list_page(
                {"limit": PAGE_SIZE, "starting_after": cursor_pages.cursor(self.page_starts)}
            )
        except FAILURES as error:
            self.load_error = message(error)
            return
        finally:
            self.loading = False
            self.loaded = True
        rows = page.get("data") or []
        self._show_page(rows)
        self.shown = len(rows)
        self._last_id = str(rows[-1]["id"]) if rows else ""
        self.has_more = bool(page.get("has_more"))

    async def _open(self, page_starts: list[str]) -> AsyncIterator[None]:
        """Turn to a page: ``loading`` shows at once, the rows when the API answered."""
        self.page_starts = page_starts
        self.loading = True
        yield
        await self._fetch_page()

    async def next_page(self) -> AsyncIterator[None]:
        if self.has_more and self._last_id and not self.loading:
            async for update in self._open(cursor_pages.forward(self.page_starts, self._last_id)):
                yield update

    async def previous_page(self) -> AsyncIterator[None]:
        if self.page_starts and not self.loading:
            async for update in self._open(cursor_pages.back(self.page_starts)):
                yield update

    async def retry(self) -> AsyncIterator[None]:
        async for update in self._open(self.page_starts):
            yield update
