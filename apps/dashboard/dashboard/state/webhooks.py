"""Developers > Webhooks: the store's endpoints, adding one (its signing secret shown once),
rotating a secret (the new one shown once), enabling, disabling and deleting one."""

import secrets
from typing import Any

import reflex as rx

from dashboard import api
from dashboard.developer_rows import EndpointRow, endpoint_request, endpoint_row
from dashboard.state.session import UNREACHABLE, SessionState, field_errors

FIELDS = {"url", "events"}
DELETE = "delete"
ROTATE = "rotate"


class WebhooksState(SessionState):
    endpoints: list[EndpointRow] = []
    loading: bool = False
    load_error: str = ""

    add_open: bool = False
    add_errors: dict[str, str] = {}
    add_notice: str = ""
    adding: bool = False
    #: Ties a submit to one opening of the form, so a double submit adds one endpoint.
    form_key: str = ""

    #: A signing secret while its dialog is open (after adding or rotating); emptied on close.
    new_secret: str = ""
    new_secret_url: str = ""

    #: The endpoint awaiting confirmation of ``confirm_action`` (delete or rotate).
    confirm_action: str = ""
    confirm_id: str = ""
    confirm_url: str = ""
    confirming: bool = False
    #: The endpoint being enabled or disabled.
    toggling_id: str = ""

    @rx.var
    def secret_shown(self) -> bool:
        return bool(self.new_secret)

    @rx.var
    def confirm_asked(self) -> bool:
        return bool(self.confirm_id)

    @rx.var
    def confirm_is_delete(self) -> bool:
        return self.confirm_action == DELETE

    async def load(self) -> None:
        """``on_load``, after the session is known: the endpoints, no dialog open."""
        self.forget_secret()
        self.add_open = False
        self._clear_confirm()
        await self._fetch()

    async def _fetch(self) -> None:
        if not self.ready:
            return
        self.loading = True
        self.load_error = ""
        try:
            found = await self.api().list_endpoints()
        except api.Problem as problem:
            self.load_error = problem.detail
            return
        except api.Unreachable:
            self.load_error = UNREACHABLE
            return
        finally:
            self.loading = False
        self.endpoints = [endpoint_row(e) for e in found or []]

    # ---- adding ------------------------------------------------------------------------

    def show_add_form(self, is_open: bool) -> None:
        self.add_open = is_open
        self.add_errors = {}
        self.add_notice = ""
        self.form_key = secrets.token_hex(8) if is_open else ""

    async def add(self, form: dict[str, Any]) -> Any:
        if self.adding or not self.form_key or form.get("form_key") != self.form_key:
            return
        url, events, errors = endpoint_request(form)
        self.add_errors = errors
        self.add_notice = ""
        if errors:
            return
        self.adding = True
        yield
        try:
            created = await self.api().create_endpoint(url, events)
        except api.Problem as problem:
            self.add_errors, self.add_notice = field_errors(problem, FIELDS)
            return
        except api.Unreachable:
            self.add_notice = UNREACHABLE
            return
        finally:
            self.adding = False
        self.show_add_form(False)
        self._reveal(created)
        await self._fetch()

    def _reveal(self, endpoint: dict[str, Any]) -> None:
        self.new_secret = str(endpoint.get("secret") or "")
        self.new_secret_url = str(endpoint.get("url") or "")

    def forget_secret(self) -> None:
        self.new_secret = ""
        self.new_secret_url = ""

    def secret_dialog_changed(self, is_open: bool) -> None:
        if not is_open:
            self.forget_secret()

    # ---- enabling and disabling ----------------------------------------------------------

    async def set_enabled(self, endpoint_id: str, enabled: bool) -> Any:
        if self.toggling_id:
            return
        self.toggling_id = endpoint_id
        yield
        try:
            await self.api().set_endpoint_enabled(endpoint_id, enabled)
        except api.Problem as problem:
            yield rx.toast.error(problem.detail)
        except api.Unreachable:
            yield rx.toast.error(UNREACHABLE)
        finally:
            self.toggling_id = ""
        await self._fetch()

    # ---- deleting and rotating, after confirmation --------------------------------------

    def ask_delete(self, endpoint_id: str, url: str) -> None:
        self._ask(DELETE, endpoint_id, url)

    def ask_rotate(self, endpoint_id: str, url: str) -> None:
        self._ask(ROTATE, endpoint_id, url)

    def _ask(self, action: str, endpoint_id: str, url: str) -> None:
        self.confirm_action = action
        self.confirm_id = endpoint_id
        self.confirm_url = url

    def _clear_confirm(self) -> None:
        self.confirm_action = self.confirm_id = self.confirm_url = ""
        self.confirming = False

    def confirm_dialog_changed(self, is_open: bool) -> None:
        if not is_open and not self.confirming:
            self._clear_confirm()

    async def confirm(self) -> Any:
        if self.confirming or not self.confirm_id:
            return
        self.confirming = True
        yield
        action, endpoint_id, url = self.confirm_action, self.confirm_id, self.confirm_url
        client = self.api()
        try:
            if action == ROTATE:
                self._reveal(await client.rotate_endpoint_secret(endpoint_id))
            else:
                await client.delete_endpoint(endpoint_id)
        except api.Problem as problem:
            yield rx.toast.error(problem.detail)
        except api.Unreachable:
            yield rx.toast.error(UNREACHABLE)
        else:
            if action == DELETE:
                yield rx.toast.success(f"Endpoint {url} deleted.")
        finally:
            self._clear_confirm()
        await self._fetch()
