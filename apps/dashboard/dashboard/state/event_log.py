"""Developers > Delivery log: the store's recent events (older ones on demand) and, for
the event opened, each endpoint's delivery with every attempt, and redelivery."""

from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.developer_rows import (
    DeliveryRow,
    EventRow,
    delivery_rows,
    event_row,
    redelivered,
)
from dashboard.failures import FAILURES, UNREACHABLE, message
from dashboard.state.session import SessionState
from dashboard.state.webhooks import store_endpoints

PAGE_SIZE = 20
#: An event has one delivery per endpoint it went to: a few pages of 100 hold them all.
DELIVERY_PAGES = 5


class EventLogState(SessionState):
    events: list[EventRow] = []
    has_more: bool = False
    loading: bool = False
    loaded: bool = False
    load_error: str = ""

    #: The event whose deliveries are shown ("" when none is open).
    event_id: str = ""
    event_type: str = ""
    deliveries: list[DeliveryRow] = []
    deliveries_loading: bool = False
    deliveries_error: str = ""
    #: The endpoint a redelivery is being asked for.
    redelivering: str = ""

    @rx.var
    def event_open(self) -> bool:
        return bool(self.event_id)

    async def load(self) -> None:
        """``on_load``, after the session is known: the newest events."""
        self.close_event()
        self.events = []
        await self._fetch(None)

    async def refresh(self) -> None:
        self.events = []
        await self._fetch(None)

    async def older(self) -> None:
        if self.has_more and self.events:
            await self._fetch(self.events[-1].id)

    async def _fetch(self, starting_after: str | None) -> None:
        if not self.ready:
            return
        self.loading = True
        self.load_error = ""
        try:
            page = await self.api().list_events(
                {"limit": PAGE_SIZE, "starting_after": starting_after}
            )
        except FAILURES as error:
            self.load_error = message(error)
            return
        finally:
            self.loading = False
            self.loaded = True
        self.events = [*self.events, *(event_row(e, self.zone()) for e in page.get("data") or [])]
        self.has_more = bool(page.get("has_more"))

    # ---- one event's deliveries ---------------------------------------------------------

    async def open_event(self, event_id: str, event_type: str) -> Any:
        self.event_id = event_id
        self.event_type = event_type
        self.deliveries = []
        self.deliveries_loading = True
        yield
        await self._fetch_deliveries()

    async def refresh_deliveries(self) -> None:
        if self.event_id:
            await self._fetch_deliveries()

    async def _fetch_deliveries(self) -> None:
        self.deliveries_loading = True
        self.deliveries_error = ""
        client, event_id = self.api(), self.event_id
        try:
            found, _ = await cursor_pages.first_rows(
                lambda params: client.list_deliveries(event_id, params), DELIVERY_PAGES
            )
            endpoints = await store_endpoints(client)
        except FAILURES as error:
            self.deliveries_error = message(error)
            return
        finally:
            self.deliveries_loading = False
        self.deliveries = delivery_rows(self.event_type, found, endpoints, self.zone())

    def close_event(self) -> None:
        self.event_id = self.event_type = self.deliveries_error = self.redelivering = ""
        self.deliveries = []

    def deliveries_dialog_changed(self, is_open: bool) -> None:
        if not is_open:
            self.close_event()

    async def redeliver(self, endpoint_id: str) -> Any:
        if self.redelivering or not self.event_id:
            return
        self.redelivering = endpoint_id
        yield
        try:
            delivery = await self.api().redeliver(self.event_id, endpoint_id)
        except api.Problem as problem:
            yield rx.toast.error(next(iter(problem.errors.values()), problem.detail))
            return
        except api.Unreachable:
            yield rx.toast.error(UNREACHABLE)
            return
        finally:
            self.redelivering = ""
        # Shown as the API answered (queued); Refresh shows how the new attempt went.
        self.deliveries = [
            redelivered(row, delivery) if row.endpoint_id == endpoint_id else row
            for row in self.deliveries
        ]
        yield rx.toast.success("Redelivery queued.")
