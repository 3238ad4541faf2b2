"""One payment link: its facts and setup, its QR code, deactivating and reactivating it, and
sending it by email or SMS with the history of its sends. The Transactions tab builds on this state
(``state/transactions.py``)."""

import base64
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.failures import FAILURES, UNREACHABLE, field_errors, message
from dashboard.link_setup import SetupRow, setup_rows
from dashboard.link_view import (
    LinkFacts,
    MessageRow,
    can_deactivate,
    can_reactivate,
    can_send,
    link_facts,
    message_row,
    route_link_id,
)
from dashboard.state.links import store_venues
from dashboard.state.session import SessionState

#: The QR code's width in pixels: sharp on screen and big enough to print.
QR_SIZE = 512
NOT_FOUND_STATUSES = {400, 404, 422}
CHANNELS = {"email": "email", "sms": "phone"}
#: The history of sends shows up to this many pages of 100 of the newest.
MESSAGE_PAGES = 5
#: The API's refusals to reactivate, as the merchant reads them.
REACTIVATION_REFUSALS = {
    "link_completed": "A one-off link that has been paid stays inactive. "
    "Duplicate it to take another payment.",
    "link_max_payments_reached": "This link has taken all the payments its limit allows. "
    "Edit it to raise the limit, then reactivate it.",
}


class LinkDetailState(SessionState):
    #: The id of the link on screen (the route's ``link_id``).
    plink: str = ""
    found: bool = False
    not_found: bool = False
    load_error: str = ""
    loading: bool = False
    link: LinkFacts = LinkFacts()
    setup: list[SetupRow] = []
    deactivatable: bool = False
    reactivatable: bool = False
    sendable: bool = False

    qr_src: str = ""
    qr_error: str = ""

    deactivating: bool = False
    status_notice: str = ""
    reactivating: bool = False

    #: The name of the link's venue ('' for none), kept for the reloads of the link.
    _venue: str = ""

    send_channel: str = "email"
    send_errors: dict[str, str] = {}
    send_notice: str = ""
    sending: bool = False
    #: Changes after each send so that the form comes back empty.
    send_form_key: int = 0
    messages: list[MessageRow] = []
    messages_error: str = ""
    messages_loading: bool = False

    # ---- opening the page ----------------------------------------------------------------

    async def load(self) -> Any:
        """``on_load``: the link of the address, once the session is known."""
        if not (self.ready and self.payments_activated):
            return None
        return await self.open_link(route_link_id(self.router.url.path))

    def _reset(self, link_id: str) -> None:
        self.plink = link_id
        self.found = self.not_found = False
        self.load_error = self.qr_src = self.qr_error = self.status_notice = ""
        self.link = LinkFacts()
        self.setup = []
        self.deactivatable = self.reactivatable = self.sendable = False
        self.send_channel = "email"
        self.send_errors = {}
        self.send_notice = self.messages_error = ""
        self.messages = []

    async def open_link(self, link_id: str) -> Any:
        self._reset(link_id)
        if not link_id:
            self.not_found = True
            return None
        self.loading = True
        try:
            if not await self._fetch_link():
                return None
            await self._fetch_qr()
            await self._fetch_messages()
        finally:
            self.loading = False
        return None

    async def _fetch_link(self) -> bool:
        """The link from the API, or the reason it is not on screen."""
        try:
            link = await self.api().get_link(self.plink)
        except FAILURES as error:
            if isinstance(error, api.Problem) and error.status in NOT_FOUND_STATUSES:
                self.not_found = True
            else:
                self.load_error = message(error)
            return False
        self._show(link, await self._venue_name(link.get("venue_id")))
        return True

    def _show(self, link: dict[str, Any], venue_name: str | None = None) -> None:
        venue = self._venue if venue_name is None else venue_name
        self._venue = venue
        self.link = link_facts(link, venue, self.zone())
        self.setup = setup_rows(link, venue, self.zone())
        self.deactivatable = can_deactivate(link)
        self.reactivatable = can_reactivate(link)
        self.sendable = can_send(link)
        self.found = True

    async def _venue_name(self, venue_id: str | None) -> str:
        if not venue_id:
            return ""
        try:
            venues = await store_venues(self.api())
        except FAILURES:
            return ""
        return next((v["name"] for v in venues if v["id"] == venue_id), "")

    async def reload_link(self) -> None:
        """The link again (its status and totals change with payments and refunds)."""
        try:
            self._show(await self.api().get_link(self.plink))
        except FAILURES:
            return

    async def _fetch_qr(self) -> None:
        # The PNG needs the session: fetched here and shown inline, never a tokened URL.
        try:
            png = await self.api().qr_png(self.plink, QR_SIZE)
        except FAILURES:
            self.qr_error = "The QR code could not be loaded. Reload the page to try again."
            return
        self.qr_src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def download_qr(self) -> Any:
        if not self.qr_src:
            return rx.toast.error("The QR code is not loaded yet.")
        png = base64.b64decode(self.qr_src.partition(",")[2])
        return rx.download(data=png, filename=f"{self.plink}.png", mime_type="image/png")

    # ---- deactivating --------------------------------------------------------------------

    async def deactivate(self) -> Any:
        if self.deactivating or not self.found:
            return
        self.deactivating = True
        self.status_notice = ""
        yield
        try:
            link = await self.api().deactivate_link(self.plink)
        except FAILURES as error:
            if isinstance(error, api.Problem) and error.status == 404:
                self.found, self.not_found = False, True
                return
            self.status_notice = message(error)
            yield rx.toast.error(self.status_notice)
            return
        finally:
            self.deactivating = False
        self._show(link)
        if link.get("inactive_reason") != "deactivated":
            self.status_notice = (
                f"This link was already inactive ({self.link.status_label.lower()})."
            )
            yield rx.toast.info(self.status_notice)
            return
        yield rx.toast.success("Deactivated: the link's checkout no longer takes payments.")

    async def reactivate(self) -> Any:
        """The link takes payments again, or the API's reason why it can't."""
        if self.reactivating or not self.found:
            return
        self.reactivating = True
        self.status_notice = ""
        yield
        try:
            link = await self.api().activate_link(self.plink)
        except FAILURES as error:
            code = error.code if isinstance(error, api.Problem) else ""
            self.status_notice = REACTIVATION_REFUSALS.get(code) or message(error)
            yield rx.toast.error(self.status_notice)
            return
        finally:
            self.reactivating = False
        self._show(link)
        if link.get("status") == "active":
            yield rx.toast.success("Reactivated: the link takes payments again.")
        else:
            self.status_notice = f"The link is {self.link.status_label.lower()}."
            yield rx.toast.info(self.status_notice)

    # ---- sending -------------------------------------------------------------------------

    def choose_channel(self, channel: str | list[str]) -> None:
        if isinstance(channel, str) and channel in CHANNELS:
            self.send_channel = channel
            self.send_errors = {}
            self.send_notice = ""

    async def send(self, form: dict[str, Any]) -> Any:
        recipient = str(form.get("recipient") or "").strip()
        self.send_notice = ""
        self.send_errors = {}
        if not recipient:
            wanted = "an email address" if self.send_channel == "email" else "a mobile number"
            self.send_errors = {"recipient": f"Enter {wanted}."}
            return
        if self.sending:
            return
        self.sending = True
        yield
        try:
            await self.api().send_link(self.plink, {CHANNELS[self.send_channel]: recipient})
        except api.Problem as problem:
            self._send_failed(problem)
            return
        except api.Unreachable:
            self.send_notice = UNREACHABLE
            return
        finally:
            self.sending = False
        self.send_form_key += 1
        await self._fetch_messages()
        yield rx.toast.success(f"Queued for {recipient}.")

    def _send_failed(self, problem: api.Problem) -> None:
        # The API names the field (email or phone); the form has one recipient field.
        errors, notice = field_errors(problem, set(CHANNELS.values()))
        message = next(iter(errors.values()), "")
        self.send_errors = {"recipient": message} if message else {}
        self.send_notice = notice
        if problem.code == "link_not_active":
            self.sendable = False

    async def _fetch_messages(self) -> None:
        client, link_id = self.api(), self.plink
        try:
            messages, _ = await cursor_pages.first_rows(
                lambda params: client.list_messages(link_id, params), MESSAGE_PAGES
            )
        except FAILURES:
            self.messages_error = "The sends of this link could not be loaded."
            return
        self.messages_error = ""
        self.messages = [message_row(m, self.zone()) for m in messages]

    async def refresh_messages(self) -> None:
        if self.messages_loading or not self.found:
            return
        self.messages_loading = True
        try:
            await self._fetch_messages()
        finally:
            self.messages_loading = False
