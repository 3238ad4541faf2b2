"""Developers > API keys: the store's keys a page at a time, creating one (its secret is
shown once, in a dialog, and forgotten when the dialog closes) and revoking one."""

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from dashboard import api
from dashboard.developer_rows import ApiKeyRow, api_key_row
from dashboard.failures import FAILURES, message
from dashboard.state.dialogs import Confirmation, DialogForm, SecretOnce
from dashboard.state.paging import CursorPages
from dashboard.state.session import SessionState

REVOKE = "revoke"


class ApiKeysState(CursorPages, DialogForm, SecretOnce, Confirmation, SessionState):
    keys: list[ApiKeyRow] = []

    async def load(self) -> None:
        """``on_load``, after the session is known: the first page, no dialog open."""
        self.forget_secret()
        self.form_open = False
        self._clear_confirm()
        if self.ready:
            self.page_starts = []
            await self._fetch_page()

    async def _list_page(self, params: api.Params) -> Any:
        return await self.api().list_api_keys(params)

    def _show_page(self, rows: list[dict[str, Any]]) -> None:
        self.keys = [api_key_row(k, self.zone()) for k in rows]

    async def create(self, form: dict[str, Any]) -> AsyncIterator[None]:
        name = str(form.get("name") or "").strip()
        errors = {} if name else {"name": "Name the key after what uses it."}
        if not self._begin(form, errors):
            return
        yield
        created = await self._complete(self.api().create_api_key(name), {"name"})
        if created is None:
            return
        self._reveal(created.get("secret"), created.get("name") or name)
        # Newest first: the new key heads the first page.
        self.page_starts = []
        await self._fetch_page()

    def ask_revoke(self, key_id: str, name: str) -> None:
        self._ask(REVOKE, key_id, name)

    async def confirm(self) -> Any:
        """Revokes the key asked about."""
        if self.confirming or not self.confirm_id:
            return
        self.confirming = True
        yield
        name = self.confirm_name
        try:
            await self.api().revoke_api_key(self.confirm_id)
        except FAILURES as error:
            yield rx.toast.error(message(error))
        else:
            yield rx.toast.success(f"API key “{name}” revoked.")
        finally:
            self._clear_confirm()
        await self._fetch_page()
