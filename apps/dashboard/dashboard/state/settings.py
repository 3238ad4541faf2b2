"""Store Settings > Payments: the store's name and currency, whether payments are
activated and through which gateway, and activating them (sandbox, or Stripe with the
merchant's keys). Keys go to the API and are never kept here: the form is read on submit
and unmounted once payments are activated."""

from typing import Any

import reflex as rx

from dashboard.activation_form import FIELDS, SANDBOX, activation_request, gateway_label
from dashboard.display import when
from dashboard.failures import FAILURES, form_failure, message
from dashboard.image_upload import upload_first
from dashboard.link_form import rejection_message
from dashboard.state.session import SessionState
from dashboard.store_form import FIELDS as STORE_FIELDS
from dashboard.store_form import store_changes


class SettingsState(SessionState):
    store_created: str = ""
    activated_on: str = ""

    #: The store form (name, country, brand colour, receipts).
    brand_color: str = ""
    receipts_enabled: bool = True
    store_errors: dict[str, str] = {}
    store_notice: str = ""
    saving_store: bool = False
    logo_url: str = ""
    logo_error: str = ""
    logo_uploading: bool = False

    #: The activation form: open by itself until payments are activated, on demand after.
    switching_gateway: bool = False
    gateway_choice: str = SANDBOX
    activation_errors: dict[str, str] = {}
    activation_notice: str = ""
    activating: bool = False

    @rx.var
    def gateway_name(self) -> str:
        return gateway_label(self.gateway)

    @rx.var
    def show_activation_form(self) -> bool:
        return not self.payments_activated or self.switching_gateway

    def _show_store(self, store: dict[str, Any]) -> None:
        self.store_name = str(store.get("name") or self.store_name)
        self.currency = str(store.get("currency") or self.currency)
        self.country = str(store.get("country") or self.country)
        self.brand_color = str(store.get("brand_color") or "")
        self.receipts_enabled = bool(store.get("receipts_enabled", True))
        self.logo_url = str(store.get("logo_url") or "")
        self.payments_activated = bool(store.get("payments_activated"))
        self.gateway = str(store.get("gateway") or "")
        self.store_created = when(store.get("created_at"), self.zone())
        self.activated_on = when(store.get("payments_activated_at"), self.zone())

    def _reset_form(self) -> None:
        self.switching_gateway = False
        self.gateway_choice = self.gateway or SANDBOX
        self.activation_errors = {}
        self.activation_notice = ""
        self.activating = False

    async def load(self) -> Any:
        """``on_load``, after the session is known."""
        self._reset_form()
        if not self.ready:
            return None
        try:
            self._show_store(await self.api().get_store())
        except FAILURES as error:
            return rx.toast.error(message(error))
        self.gateway_choice = self.gateway or SANDBOX
        return None

    async def save_store(self, form: dict[str, Any]) -> Any:
        """Store Settings > Store: name, country, brand colour and receipts."""
        if self.saving_store:
            return
        self.store_errors, self.store_notice = {}, ""
        self.saving_store = True
        yield
        try:
            store = await self.api().update_store(store_changes(form))
        except FAILURES as error:
            self.store_errors, self.store_notice = form_failure(error, set(STORE_FIELDS))
            return
        finally:
            self.saving_store = False
        self._show_store(store)
        yield rx.toast.success("Store settings saved.")

    async def upload_logo(self, files: list[rx.UploadFile]) -> Any:
        """The picked image becomes the store's logo (checkout and receipts)."""
        if not files or self.logo_uploading:
            return
        self.logo_error = ""
        self.logo_uploading = True
        yield
        try:
            image, problem, _ = await upload_first(self.api(), files)
            if image is None:
                self.logo_error = problem
                return
            await self._set_logo(str(image["id"]))
        finally:
            self.logo_uploading = False

    async def remove_logo(self) -> None:
        await self._set_logo(None)

    async def _set_logo(self, image_id: str | None) -> None:
        try:
            self._show_store(await self.api().update_store({"logo_image_id": image_id}))
        except FAILURES as error:
            self.logo_error = message(error)

    def logo_rejected(self, rejected: list[dict[str, Any]]) -> None:
        self.logo_error = rejection_message(rejected)

    def choose_gateway(self, gateway: str) -> None:
        self.gateway_choice = gateway
        self.activation_errors = {}
        self.activation_notice = ""

    def start_switching(self) -> None:
        self._reset_form()
        self.switching_gateway = True

    def cancel_switching(self) -> None:
        self._reset_form()

    async def activate(self, form: dict[str, Any]) -> Any:
        if self.activating:
            return
        body, errors = activation_request(self.gateway_choice, form)
        self.activation_errors = errors
        self.activation_notice = ""
        if errors:
            return
        self.activating = True
        yield
        try:
            store = await self.api().activate(body)
        except FAILURES as error:
            self.activation_errors, self.activation_notice = form_failure(error, FIELDS)
            return
        finally:
            self.activating = False
        self._show_store(store)
        self._reset_form()
        yield rx.toast.success(f"Payments are activated with {self.gateway_name}.")
