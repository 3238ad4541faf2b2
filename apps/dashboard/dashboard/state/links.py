"""Payments > Payment Links: the store's links, newest first, filtered, searched and paged
with the API's cursors (``state/paging.py``). The filters live in the page's address
(``link_filters``): the page opens with the address's, and each change writes the address
in place (``history.replaceState``, no navigation), so Back from a link returns to the
same filtered list and a filtered list can be bookmarked or shared."""

import json
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages, routes
from dashboard.failures import FAILURES
from dashboard.link_filters import QUERY_MAX, LinkFilters, of_query, query_string
from dashboard.link_rows import ALL, STATUS_CHOICES, TYPE_CHOICES, LinkRow, choice, row_of
from dashboard.state.paging import CursorPages
from dashboard.state.session import SessionState

#: The venue filter and the venue select list at most this many venues (five API pages).
VENUE_PAGES = 5


async def store_venues(client: api.DashboardApi) -> list[dict[str, str]]:
    """The store's venues as ``{"id", "name"}``, newest first."""
    venues, _ = await cursor_pages.first_rows(client.list_venues, VENUE_PAGES)
    return [{"id": str(v["id"]), "name": str(v["name"])} for v in venues]


class LinksState(CursorPages, SessionState):
    rows: list[LinkRow] = []

    status_filter: str = ALL
    type_filter: str = ALL
    venue_filter: str = ALL
    query: str = ""
    venues: list[dict[str, str]] = []

    #: The store the rows belong to: another store's sign-in in this tab starts afresh.
    _rows_of: str = ""

    @rx.var
    def filtered(self) -> bool:
        """Whether anything narrows the list (an empty list then means "no match")."""
        filters = (self.status_filter, self.type_filter, self.venue_filter)
        return any(value != ALL for value in filters) or bool(self.query.strip())

    # ---- loading --------------------------------------------------------------------------

    async def _list_page(self, params: api.Params) -> Any:
        return await self.api().list_links(
            {
                **params,
                "status": None if self.status_filter == ALL else self.status_filter,
                "type": None if self.type_filter == ALL else self.type_filter,
                "venue_id": None if self.venue_filter == ALL else self.venue_filter,
                "q": self.query.strip() or None,
            }
        )

    def _show_page(self, rows: list[dict[str, Any]]) -> None:
        self.rows = [row_of(link, self.zone()) for link in rows]

    async def _load_venues(self) -> None:
        try:
            self.venues = await store_venues(self.api())
        except FAILURES:
            # The list works without the venue filter; the links' own error says the rest.
            self.venues = []
        if self.venue_filter != ALL and all(v["id"] != self.venue_filter for v in self.venues):
            self.venue_filter = ALL

    async def open_page(self) -> AsyncIterator[None]:
        """``on_load`` after the session gate: the venues, then the list the address's
        filters ask for (the page shown last when they are the ones it had)."""
        if not (self.ready and self.payments_activated):
            return
        if self._rows_of != self.store_id:
            self._start_afresh()
        asked = of_query(self.router.url.query_parameters)
        if asked != self._filters():
            self._set_filters(asked)
            self.page_starts = []
        self.loading = True
        yield
        await self._load_venues()
        await self._fetch_page()

    def _start_afresh(self) -> None:
        self.rows, self.venues, self.page_starts = [], [], []
        self.load_error = ""
        self._set_filters(LinkFilters())
        self.has_more = self.loaded = False
        self._rows_of = self.store_id

    def _filters(self) -> LinkFilters:
        return LinkFilters(self.status_filter, self.type_filter, self.venue_filter, self.query)

    def _set_filters(self, filters: LinkFilters) -> None:
        self.status_filter, self.type_filter = filters.status, filters.type
        self.venue_filter, self.query = filters.venue, filters.query

    async def _refilter(self) -> AsyncIterator[Any]:
        """The first page under the filters now set, and the address saying them."""
        address = routes.LINKS + query_string(self._filters())
        yield rx.call_script(
            f"window.history.replaceState(window.history.state, '', {json.dumps(address)})"
        )
        async for update in self._open([]):
            yield update

    # ---- filters and search: each starts again from the first page ------------------------

    async def set_status_filter(self, value: str) -> AsyncIterator[Any]:
        self.status_filter = choice(value, STATUS_CHOICES)
        async for update in self._refilter():
            yield update

    async def set_type_filter(self, value: str) -> AsyncIterator[Any]:
        self.type_filter = choice(value, TYPE_CHOICES)
        async for update in self._refilter():
            yield update

    async def set_venue_filter(self, value: str) -> AsyncIterator[Any]:
        known = value == ALL or any(v["id"] == value for v in self.venues)
        self.venue_filter = value if known else ALL
        async for update in self._refilter():
            yield update

    async def search(self, value: str) -> AsyncIterator[Any]:
        self.query = value[:QUERY_MAX]
        async for update in self._refilter():
            yield update

    async def clear_filters(self) -> AsyncIterator[Any]:
        self.status_filter = self.type_filter = self.venue_filter = ALL
        self.query = ""
        async for update in self._refilter():
            yield update

    def open_link(self, link_id: str) -> Any:
        return rx.redirect(routes.link(link_id))
