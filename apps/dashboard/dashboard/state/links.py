"""Payments > Payment Links: the store's links, newest first, filtered and paged with the
API's cursors (``starting_after`` forward, a stack of the cursors used for going back)."""

from typing import Any

import reflex as rx

from dashboard import api, routes
from dashboard.link_rows import ALL, STATUS_CHOICES, TYPE_CHOICES, choice, row_of
from dashboard.state.session import UNREACHABLE, SessionState

PAGE_SIZE = 20
#: The venue filter and the venue select list at most this many venues (five API pages).
VENUE_PAGES = 5


async def store_venues(client: api.DashboardApi) -> list[dict[str, str]]:
    """The store's venues as ``{"id", "name"}``, newest first."""
    venues: list[dict[str, str]] = []
    cursor: str | None = None
    for _ in range(VENUE_PAGES):
        page = await client.list_venues({"limit": 100, "starting_after": cursor})
        venues += [{"id": str(v["id"]), "name": str(v["name"])} for v in page.get("data", [])]
        if not page.get("has_more") or not venues:
            break
        cursor = venues[-1]["id"]
    return venues


class LinksState(SessionState):
    rows: list[dict[str, str]] = []
    has_more: bool = False
    #: ``starting_after`` of the page shown ("" for the first page).
    cursor: str = ""
    #: The cursors of the pages before this one, for Previous.
    back: list[str] = []

    status_filter: str = ALL
    type_filter: str = ALL
    venue_filter: str = ALL
    query: str = ""
    venues: list[dict[str, str]] = []

    loading: bool = False
    #: The page has asked the API at least once (no empty state before that).
    loaded: bool = False
    load_error: str = ""
    #: The store the rows belong to: another store's sign-in in this tab starts afresh.
    _rows_of: str = ""

    @rx.var
    def page_number(self) -> int:
        return len(self.back) + 1

    @rx.var
    def has_previous(self) -> bool:
        return bool(self.back)

    @rx.var
    def filtered(self) -> bool:
        """Whether anything narrows the list (an empty list then means "no match")."""
        filters = (self.status_filter, self.type_filter, self.venue_filter)
        return any(value != ALL for value in filters) or bool(self.query.strip())

    # ---- loading --------------------------------------------------------------------------

    def _params(self) -> api.Params:
        return {
            "limit": PAGE_SIZE,
            "starting_after": self.cursor or None,
            "status": None if self.status_filter == ALL else self.status_filter,
            "type": None if self.type_filter == ALL else self.type_filter,
            "venue_id": None if self.venue_filter == ALL else self.venue_filter,
            "q": self.query.strip() or None,
        }

    async def _load(self) -> None:
        self.loading = True
        try:
            page = await self.api().list_links(self._params())
        except api.Problem as problem:
            self.load_error = problem.detail
            return
        except api.Unreachable:
            self.load_error = UNREACHABLE
            return
        finally:
            self.loading = False
            self.loaded = True
        self.load_error = ""
        self.rows = [row_of(link) for link in page.get("data", [])]
        self.has_more = bool(page.get("has_more"))

    async def _load_venues(self) -> None:
        try:
            self.venues = await store_venues(self.api())
        except (api.Problem, api.Unreachable):
            # The list works without the venue filter; the links' own error says the rest.
            self.venues = []
        if self.venue_filter != ALL and all(v["id"] != self.venue_filter for v in self.venues):
            self.venue_filter = ALL

    async def open_page(self) -> Any:
        """``on_load`` after the session gate: the venues, then the page shown last."""
        if not (self.ready and self.payments_activated):
            return
        if self._rows_of != self.store_id:
            self._start_afresh()
        self.loading = True
        yield
        await self._load_venues()
        await self._load()

    def _start_afresh(self) -> None:
        self.rows, self.venues, self.back = [], [], []
        self.cursor = self.query = self.load_error = ""
        self.status_filter = self.type_filter = self.venue_filter = ALL
        self.has_more = self.loaded = False
        self._rows_of = self.store_id

    async def _first_page(self) -> Any:
        self.cursor = ""
        self.back = []
        self.loading = True
        yield
        await self._load()

    # ---- filters, search and pages --------------------------------------------------------

    async def set_status_filter(self, value: str) -> Any:
        self.status_filter = choice(value, STATUS_CHOICES)
        async for update in self._first_page():
            yield update

    async def set_type_filter(self, value: str) -> Any:
        self.type_filter = choice(value, TYPE_CHOICES)
        async for update in self._first_page():
            yield update

    async def set_venue_filter(self, value: str) -> Any:
        known = value == ALL or any(v["id"] == value for v in self.venues)
        self.venue_filter = value if known else ALL
        async for update in self._first_page():
            yield update

    async def search(self, value: str) -> Any:
        self.query = value[:120]
        async for update in self._first_page():
            yield update

    async def clear_filters(self) -> Any:
        self.status_filter = self.type_filter = self.venue_filter = ALL
        self.query = ""
        async for update in self._first_page():
            yield update

    async def next_page(self) -> Any:
        if not self.has_more or not self.rows or self.loading:
            return
        self.back = [*self.back, self.cursor]
        self.cursor = self.rows[-1]["id"]
        self.loading = True
        yield
        await self._load()

    async def previous_page(self) -> Any:
        if not self.back or self.loading:
            return
        self.cursor = self.back[-1]
        self.back = self.back[:-1]
        self.loading = True
        yield
        await self._load()

    async def retry(self) -> Any:
        self.loading = True
        yield
        await self._load()

    def open_link(self, link_id: str) -> Any:
        return rx.redirect(routes.link(link_id))
