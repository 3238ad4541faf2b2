"""Developers > API keys: the store's keys a page at a time, creating one (its secret is
shown once, in a dialog, and forgotten when the dialog closes) and revoking one."""

import secrets
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.developer_rows import ApiKeyRow, api_key_row
from dashboard.state.session import UNREACHABLE, SessionState, field_errors

PAGE_SIZE = 20


class ApiKeysState(SessionState):
    keys: list[ApiKeyRow] = []
    page_starts: list[str] = []
    has_more: bool = False
    loading: bool = False
    load_error: str = ""

    create_open: bool = False
    create_errors: dict[str, str] = {}
    create_notice: str = ""
    creating: bool = False
    #: Ties a submit to one opening of the form, so a double submit makes one key.
    form_key: str = ""

    #: The new key's secret while its dialog is open; emptied when it closes.
    new_secret: str = ""
    new_secret_name: str = ""

    revoke_id: str = ""
    revoke_name: str = ""
    revoking: bool = False

    @rx.var
    def page_number(self) -> int:
        return cursor_pages.page_number(self.page_starts)

    @rx.var
    def has_previous(self) -> bool:
        return bool(self.page_starts)

    @rx.var
    def secret_shown(self) -> bool:
        return bool(self.new_secret)

    @rx.var
    def revoke_asked(self) -> bool:
        return bool(self.revoke_id)

    async def load(self) -> None:
        """``on_load``, after the session is known: the first page, no dialog open."""
        self.forget_secret()
        self.create_open = False
        self.revoke_id = self.revoke_name = ""
        self.page_starts = []
        await self._fetch()

    async def _fetch(self) -> None:
        if not self.ready:
            return
        self.loading = True
        self.load_error = ""
        try:
            page = await self.api().list_api_keys(
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
        self.keys = [api_key_row(k) for k in page.get("data") or []]
        self.has_more = bool(page.get("has_more"))

    async def next_page(self) -> None:
        if self.has_more and self.keys:
            self.page_starts = cursor_pages.forward(self.page_starts, self.keys[-1].id)
            await self._fetch()

    async def previous_page(self) -> None:
        if self.page_starts:
            self.page_starts = cursor_pages.back(self.page_starts)
            await self._fetch()

    # ---- creating ----------------------------------------------------------------------

    def show_create_form(self, is_open: bool) -> None:
        self.create_open = is_open
        self.create_errors = {}
        self.create_notice = ""
        self.form_key = secrets.token_hex(8) if is_open else ""

    async def create(self, form: dict[str, Any]) -> Any:
        if self.creating or not self.form_key or form.get("form_key") != self.form_key:
            return
        name = str(form.get("name") or "").strip()
        self.create_errors = {} if name else {"name": "Name the key after what uses it."}
        self.create_notice = ""
        if not name:
            return
        self.creating = True
        yield
        try:
            created = await self.api().create_api_key(name)
        except api.Problem as problem:
            self.create_errors, self.create_notice = field_errors(problem, {"name"})
            return
        except api.Unreachable:
            self.create_notice = UNREACHABLE
            return
        finally:
            self.creating = False
        self.show_create_form(False)
        self.new_secret = str(created.get("secret") or "")
        self.new_secret_name = str(created.get("name") or name)
        self.page_starts = []
        await self._fetch()

    def forget_secret(self) -> None:
        self.new_secret = ""
        self.new_secret_name = ""

    def secret_dialog_changed(self, is_open: bool) -> None:
        if not is_open:
            self.forget_secret()

    # ---- revoking ----------------------------------------------------------------------

    def ask_revoke(self, key_id: str, name: str) -> None:
        self.revoke_id = key_id
        self.revoke_name = name

    def revoke_dialog_changed(self, is_open: bool) -> None:
        if not is_open and not self.revoking:
            self.revoke_id = self.revoke_name = ""

    async def revoke(self) -> Any:
        if self.revoking or not self.revoke_id:
            return
        self.revoking = True
        yield
        name = self.revoke_name
        try:
            await self.api().revoke_api_key(self.revoke_id)
        except api.Problem as problem:
            yield rx.toast.error(problem.detail)
        except api.Unreachable:
            yield rx.toast.error(UNREACHABLE)
        else:
            yield rx.toast.success(f"API key “{name}” revoked.")
        finally:
            self.revoking = False
            self.revoke_id = self.revoke_name = ""
        await self._fetch()
