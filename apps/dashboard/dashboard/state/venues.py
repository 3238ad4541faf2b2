"""Venues: the store's locations, a page at a time, and adding one."""

import secrets
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.state.session import UNREACHABLE, SessionState, field_errors
from dashboard.venue_rows import VenueRow, venue_request, venue_row

PAGE_SIZE = 20
FIELDS = {"name", "address"}


class VenuesState(SessionState):
    venues: list[VenueRow] = []
    page_starts: list[str] = []
    has_more: bool = False
    loading: bool = False
    load_error: str = ""

    add_open: bool = False
    add_errors: dict[str, str] = {}
    add_notice: str = ""
    adding: bool = False
    #: Ties a submit to one opening of the form, so a double submit adds one venue.
    form_key: str = ""

    @rx.var
    def page_number(self) -> int:
        return cursor_pages.page_number(self.page_starts)

    @rx.var
    def has_previous(self) -> bool:
        return bool(self.page_starts)

    async def load(self) -> None:
        """``on_load``, after the session is known: the first page."""
        self.add_open = False
        self.page_starts = []
        await self._fetch()

    async def _fetch(self) -> None:
        if not self.ready:
            return
        self.loading = True
        self.load_error = ""
        try:
            page = await self.api().list_venues(
                {"limit": PAGE_SIZE, "starting_after": cursor_pages.cursor(self.page_starts)}
            )
        except api.Problem as problem:
            self.load_error = problem.detail
            return
        except api.Unreachable:
            self.load_error = UNREACHABLE
            return
        finally:
            self.loading = False
        self.venues = [venue_row(v) for v in page.get("data") or []]
        self.has_more = bool(page.get("has_more"))

    async def next_page(self) -> None:
        if self.has_more and self.venues:
            self.page_starts = cursor_pages.forward(self.page_starts, self.venues[-1].id)
            await self._fetch()

    async def previous_page(self) -> None:
        if self.page_starts:
            self.page_starts = cursor_pages.back(self.page_starts)
            await self._fetch()

    def show_add_form(self, is_open: bool) -> None:
        self.add_open = is_open
        self.add_errors = {}
        self.add_notice = ""
        self.form_key = secrets.token_hex(8) if is_open else ""

    async def add(self, form: dict[str, Any]) -> Any:
        if self.adding or not self.form_key or form.get("form_key") != self.form_key:
            return
        name, address, errors = venue_request(form)
        self.add_errors = errors
        self.add_notice = ""
        if errors:
            return
        self.adding = True
        yield
        try:
            venue = await self.api().create_venue(name, address)
        except api.Problem as problem:
            self.add_errors, self.add_notice = field_errors(problem, FIELDS)
            return
        except api.Unreachable:
            self.add_notice = UNREACHABLE
            return
        finally:
            self.adding = False
        self.show_add_form(False)
        # Newest first: the new venue heads the first page.
        self.page_starts = []
        await self._fetch()
        yield rx.toast.success(f"Venue “{venue.get('name')}” added.")
