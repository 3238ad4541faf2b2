"""Developers > Webhooks: the store's endpoints, adding one (its signing secret shown once),
rotating a secret (the new one shown once), enabling, disabling and deleting one."""

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages
from dashboard.developer_rows import EndpointRow, endpoint_request, endpoint_row
from dashboard.failures import FAILURES, message
from dashboard.state.dialogs import Confirmation, DialogForm, SecretOnce
from dashboard.state.session import SessionState

FIELDS = {"url", "events"}
DELETE = "delete"
ROTATE = "rotate"
#: A store has at most 16 endpoints: one page of 100 holds them all.
ENDPOINT_PAGES = 1


async def store_endpoints(client: api.DashboardApi) -> list[dict[str, Any]]:
    """The store's webhook endpoints, newest first."""
    endpoints, _ = await cursor_pages.first_rows(client.list_endpoints, ENDPOINT_PAGES)
    return endpoints


class WebhooksState(DialogForm, SecretOnce, Confirmation, SessionState):
    endpoints: list[EndpointRow] = []
    loading: bool = False
    loaded: bool = False
    load_error: str = ""
    #: The endpoint being enabled or disabled.
    toggling_id: str = ""

    @rx.var
    def confirm_is_delete(self) -> bool:
        return self.confirm_action == DELETE

    async def load(self) -> None:
        """``on_load``, after the session is known: the endpoints, no dialog open."""
        self.forget_secret()
        self.form_open = False
        self._clear_confirm()
        await self._fetch()

    async def _fetch(self) -> None:
        if not self.ready:
            return
        self.loading = True
        self.load_error = ""
        try:
            found = await store_endpoints(self.api())
        except FAILURES as error:
            self.load_error = message(error)
            return
        finally:
            self.loading = False
            self.loaded = True
        self.endpoints = [endpoint_row(e, self.zone()) for e in found]

    async def add(self, form: dict[str, Any]) -> AsyncIterator[None]:
        url, events, errors = endpoint_request(form)
        if not self._begin(form, errors):
            return
        yield
        created = await self._complete(self.api().create_endpoint(url, events), FIELDS)
        if created is None:
            return
        self._reveal(created.get("secret"), created.get("url"))
        await self._fetch()

    async def set_enabled(self, endpoint_id: str, enabled: bool) -> Any:
        if self.toggling_id:
            return
        self.toggling_id = endpoint_id
        yield
        try:
            await self.api().set_endpoint_enabled(endpoint_id, enabled)
        except FAILURES as error:
            yield rx.toast.error(message(error))
        finally:
            self.toggling_id = ""
        await self._fetch()

    def ask_delete(self, endpoint_id: str, url: str) -> None:
        self._ask(DELETE, endpoint_id, url)

    def ask_rotate(self, endpoint_id: str, url: str) -> None:
        self._ask(ROTATE, endpoint_id, url)

    async def confirm(self) -> Any:
        """Deletes the endpoint asked about, or rotates its secret (shown once)."""
        if self.confirming or not self.confirm_id:
            return
        self.confirming = True
        yield
        action, endpoint_id, url = self.confirm_action, self.confirm_id, self.confirm_name
        client = self.api()
        try:
            if action == ROTATE:
                rotated = await client.rotate_endpoint_secret(endpoint_id)
                self._reveal(rotated.get("secret"), rotated.get("url"))
            else:
                await client.delete_endpoint(endpoint_id)
        except FAILURES as error:
            yield rx.toast.error(message(error))
        else:
            if action == DELETE:
                yield rx.toast.success(f"Endpoint {url} deleted.")
        finally:
            self._clear_confirm()
        await self._fetch()
