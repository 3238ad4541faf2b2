"""Create link: the choices the form keeps in state (type, amount type, customer fields,
after payment, venue, image, metadata), the image upload, and the submit.

Text inputs are read from the submitted form; ``link_form`` turns it all into the API body.
A submit sends an ``Idempotency-Key`` that stays the same while the body does, so a double
submit (or a retry after a lost answer) makes one link, never two.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from dashboard import api, link_form, routes
from dashboard.display import local_time, zone_named
from dashboard.failures import FAILURES, UNREACHABLE
from dashboard.image_upload import upload_first
from dashboard.link_form import DEFAULT_MODES, FIELD_MODES
from dashboard.state.links import store_venues
from dashboard.state.session import SessionState

NO_VENUE = "none"
CHECK_FIELDS = "Check the fields marked in red."


def utc_now() -> datetime:
    return datetime.now(UTC)


def _one(value: str | list[str]) -> str:
    """A segmented control's value (a list only in its multiple mode, unused here)."""
    return value if isinstance(value, str) else (value[0] if value else "")


class NewLinkState(SessionState):
    link_type: str = "reusable"
    amount_type: str = "fixed"
    after_type: str = "thank_you"
    customer_modes: dict[str, str] = dict(DEFAULT_MODES)
    venue_id: str = NO_VENUE
    venues: list[dict[str, str]] = []
    metadata_rows: list[dict[str, str]] = []

    image_id: str = ""
    image_url: str = ""
    image_name: str = ""
    uploading: bool = False

    errors: dict[str, str] = {}
    notice: str = ""
    busy: bool = False

    #: The key and the body it was used for: a new body gets a new key.
    _attempt_key: str = ""
    _attempt_fingerprint: str = ""
    #: The link this form made (a late second submit only goes to it again).
    _created_id: str = ""

    @rx.var
    def currency_symbol(self) -> str:
        return link_form.currency_symbol(self.currency)

    @rx.var
    def amount_placeholder(self) -> str:
        return link_form.amount_example(self.currency)

    @rx.var
    def zone_name(self) -> str:
        """The time zone the expiry is entered in, by its IANA name."""
        return str(zone_named(self.time_zone))

    @rx.var
    def now_local(self) -> str:
        return local_time(utc_now(), zone_named(self.time_zone))

    # ---- opening the page -----------------------------------------------------------------

    def _reset_form(self) -> None:
        self.link_type = "reusable"
        self.amount_type = "fixed"
        self.after_type = "thank_you"
        self.customer_modes = dict(DEFAULT_MODES)
        self.venue_id = NO_VENUE
        self.metadata_rows = []
        self.image_id = self.image_url = self.image_name = ""
        self.uploading = self.busy = False
        self.errors = {}
        self.notice = ""
        self._attempt_key = self._attempt_fingerprint = self._created_id = ""

    async def open_page(self) -> None:
        """``on_load`` after the session gate: a blank form and the store's venues."""
        self._reset_form()
        if not (self.ready and self.payments_activated):
            return
        try:
            self.venues = await store_venues(self.api())
        except FAILURES:
            self.venues = []

    # ---- the choices ----------------------------------------------------------------------

    def _clear(self, *names: str) -> None:
        self.errors = {k: v for k, v in self.errors.items() if k not in names}

    def set_link_type(self, value: str) -> None:
        self.link_type = "one_off" if value == "one_off" else "reusable"
        self._clear("type", "max_payments")

    def set_amount_type(self, value: str | list[str]) -> None:
        self.amount_type = "variable" if _one(value) == "variable" else "fixed"
        self._clear("amount_type", "amount", "min_amount", "max_amount")

    def set_after_type(self, value: str | list[str]) -> None:
        self.after_type = "redirect" if _one(value) == "redirect" else "thank_you"
        self._clear("after_payment.url", "after_payment.message")

    def set_customer_mode(self, name: str, value: str | list[str]) -> None:
        mode = _one(value)
        if name in DEFAULT_MODES and mode in dict(FIELD_MODES):
            self.customer_modes = {**self.customer_modes, name: mode}
            self._clear(f"customer_fields.{name}")

    def set_venue(self, value: str) -> None:
        known = any(v["id"] == value for v in self.venues)
        self.venue_id = value if known else NO_VENUE
        self._clear("venue_id")

    def add_metadata_row(self) -> None:
        self.metadata_rows = [*self.metadata_rows, {"key": "", "value": ""}]

    def remove_metadata_row(self, index: int) -> None:
        self.metadata_rows = [row for i, row in enumerate(self.metadata_rows) if i != index]
        self._clear("metadata")

    def set_metadata_key(self, index: int, value: str) -> None:
        self._set_metadata(index, "key", value)

    def set_metadata_value(self, index: int, value: str) -> None:
        self._set_metadata(index, "value", value)

    def _set_metadata(self, index: int, part: str, value: str) -> None:
        if 0 <= index < len(self.metadata_rows):
            rows = [dict(row) for row in self.metadata_rows]
            rows[index][part] = value
            self.metadata_rows = rows

    # ---- the image ------------------------------------------------------------------------

    async def upload_image(self, files: list[rx.UploadFile]) -> Any:
        """The chosen file goes to ``POST /v1/images``; its re-encoded copy is previewed."""
        if not files or self.uploading:
            return
        self._clear("image")
        self.uploading = True
        yield
        try:
            image, problem, filename = await upload_first(self.api(), files)
        finally:
            self.uploading = False
        if image is None:
            self.errors = {**self.errors, "image": problem}
            return
        self.image_id = str(image["id"])
        self.image_url = str(image["url"])
        self.image_name = filename

    def image_rejected(self, rejected: list[dict[str, Any]]) -> None:
        """The file picker refused the file (too big, not an image) before any upload."""
        self.errors = {**self.errors, "image": link_form.rejection_message(rejected)}

    def remove_image(self) -> None:
        self.image_id = self.image_url = self.image_name = ""
        self._clear("image")

    # ---- submitting -----------------------------------------------------------------------

    def _values(self, form: dict[str, Any]) -> dict[str, Any]:
        return {
            **form,
            "type": self.link_type,
            "amount_type": self.amount_type,
            "after_type": self.after_type,
            "customer_fields": self.customer_modes,
            "venue_id": self.venue_id,
            "image_id": self.image_id,
        }

    def _idempotency_key(self, body: dict[str, Any]) -> str:
        fingerprint = link_form.body_fingerprint(body)
        if fingerprint != self._attempt_fingerprint or not self._attempt_key:
            self._attempt_key = f"dash-{uuid.uuid4().hex}"
            self._attempt_fingerprint = fingerprint
        return self._attempt_key

    async def submit(self, form: dict[str, Any]) -> Any:
        if self.busy or self.uploading:
            return
        if self._created_id:
            yield rx.redirect(routes.link(self._created_id))
            return
        request = link_form.build_link(
            self._values(form),
            self.currency,
            utc_now(),
            metadata_rows=self.metadata_rows,
            zone=self.zone(),
        )
        self.errors = request.errors
        self.notice = CHECK_FIELDS if request.errors else ""
        if not request.ok:
            return
        self.busy = True
        yield
        try:
            link = await self.api().create_link(
                request.body, idempotency_key=self._idempotency_key(request.body)
            )
        except api.Problem as problem:
            self._show_problem(problem)
            return
        except api.Unreachable:
            self.notice = UNREACHABLE
            return
        finally:
            self.busy = False
        self._created_id = str(link["id"])
        yield rx.toast.success("Payment link created.")
        yield rx.redirect(routes.link(self._created_id))

    def _show_problem(self, problem: api.Problem) -> None:
        if problem.errors:
            self.errors, others = link_form.form_errors(problem.errors)
            self.notice = others or CHECK_FIELDS
        elif problem.code == "payments_not_activated":
            self.notice = "Activate payments in Settings before creating links."
        elif problem.code in ("idempotency_key_reused", "idempotency_key_in_use"):
            self.notice = "This link is already being created. Wait a moment, then check the list."
        elif problem.code == "rate_limited" and problem.retry_after:
            self.notice = f"Too many requests. Try again in {problem.retry_after} seconds."
        else:
            self.notice = problem.detail
