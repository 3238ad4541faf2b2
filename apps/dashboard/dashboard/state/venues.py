"""Venues: the store's locations, a page at a time, and adding one."""

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from dashboard import api
from dashboard.state.dialogs import DialogForm
from dashboard.state.paging import CursorPages
from dashboard.state.session import SessionState
from dashboard.venue_rows import VenueRow, venue_request, venue_row

FIELDS = {"name", "address"}


class VenuesState(CursorPages, DialogForm, SessionState):
    venues: list[VenueRow] = []

    async def load(self) -> None:
        """``on_load``, after the session is known: the first page."""
        self.form_open = False
        if self.ready:
            self.page_starts = []
            await self._fetch_page()

    async def _list_page(self, params: api.Params) -> Any:
        return await self.api().list_venues(params)

    def _show_page(self, rows: list[dict[str, Any]]) -> None:
        self.venues = [venue_row(v, self.zone()) for v in rows]

    async def add(self, form: dict[str, Any]) -> AsyncIterator[Any]:
        name, address, errors = venue_request(form)
        if not self._begin(form, errors):
            return
        yield
        venue = await self._complete(self.api().create_venue(name, address), FIELDS)
        if venue is None:
            return
        # Newest first: the new venue heads the first page.
        self.page_starts = []
        await self._fetch_page()
        yield rx.toast.success(f"Venue “{venue.get('name')}” added.")
