"""The link form's state: Create, Duplicate (``?from=plink_…``: the create form filled from
that link) and Edit (``/payment-links/plink_…/edit``: the form filled from the link, its
locked fields disabled and explained). Submitting creates the link or sends its changes.

A create sends an ``Idempotency-Key`` that stays the same while the body does, so a double
submit (or a retry after a lost answer) makes one link, never two.
"""

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from dashboard import api, link_form, link_form_rules, routes
from dashboard.display import local_time, zone_named
from dashboard.failures import FAILURES, UNREACHABLE, message
from dashboard.focus import focus_on
from dashboard.image_upload import upload_first
from dashboard.link_draft import AMOUNT_INPUTS, FormDraft, amount_lock, draft_of, with_text
from dashboard.link_preview import CheckoutPreview, preview_of
from dashboard.link_view import route_link_id
from dashboard.state.link_form_choices import LinkFormChoices
from dashboard.state.links import store_venues
from dashboard.state.session import SessionState
from dashboard.venue_rows import VenueRow

CHECK_FIELDS = "Check the fields marked in red."
NOT_FOUND = "This payment link was not found in your store."


def utc_now() -> datetime:
    return datetime.now(UTC)


class LinkFormState(LinkFormChoices, SessionState):
    #: The link being edited ("" when the form creates one).
    editing: str = ""
    #: The link a new one is copied from (Duplicate), or "".
    duplicate_of: str = ""
    load_error: str = ""
    #: False until the form of this page view is filled (it shows a spinner till then).
    opened: bool = False
    notice: str = ""
    busy: bool = False
    #: Changes when the form is filled again, so that its inputs show the new values.
    form_key: int = 0

    #: The form as it was filled: an edit sends only what differs from it.
    _original: FormDraft = FormDraft()
    #: The key and the body it was used for: a new body gets a new key.
    _attempt_key: str = ""
    _attempt_fingerprint: str = ""
    #: The link this form made (a late second submit only goes to it again).
    _created_id: str = ""

    @rx.var
    def currency_symbol(self) -> str:
        return link_form_rules.currency_symbol(self.currency)

    @rx.var
    def amount_placeholder(self) -> str:
        return link_form_rules.amount_example(self.currency)

    @rx.var
    def zone_name(self) -> str:
        """The time zone the expiry is entered in, by its IANA name."""
        return str(zone_named(self.time_zone))

    @rx.var
    def now_local(self) -> str:
        return local_time(utc_now(), zone_named(self.time_zone))

    @rx.var
    def preview(self) -> CheckoutPreview:
        return preview_of(self.draft, self.currency, self.store_name)

    # ---- opening the page -------------------------------------------------------------

    def _start(self, draft: FormDraft) -> None:
        if draft != self.draft:
            # The inputs start from the draft: drawn again when it is another one.
            self.form_key += 1
        self.draft = draft
        self._original = draft

    async def open_page(self) -> Any:
        """``on_load`` after the session gate: the form, blank or filled from a link. It
        is shown once filled, so that nothing typed is replaced by the link's values."""
        self.opened = False
        self.errors = {}
        self.notice = ""
        self.busy = self.uploading = False
        self._attempt_key = self._attempt_fingerprint = self._created_id = ""
        self.load_error = self.amount_lock = ""
        path = self.router.url.path.rstrip("/")
        self.editing = route_link_id(path) if path.endswith("/edit") else ""
        copied = self.router.url.query_parameters.get(routes.DUPLICATE_FROM, "")
        self.duplicate_of = "" if self.editing else route_link_id(f"/{copied}")
        if not (self.ready and self.payments_activated):
            return
        yield
        try:
            venues = await store_venues(self.api())
        except FAILURES:
            venues = []
        self.venues = [VenueRow(id=v["id"], name=v["name"]) for v in venues]
        await self._fill_from(self.editing or self.duplicate_of)
        self.opened = True

    async def _fill_from(self, link_id: str) -> None:
        if not link_id:
            self._start(FormDraft())
            return
        try:
            link = await self.api().get_link(link_id)
        except FAILURES as error:
            missing = isinstance(error, api.Problem) and error.status in (400, 404, 422)
            self.load_error = NOT_FOUND if missing else message(error)
            return
        if self.editing:
            self._start(draft_of(link, self.zone()))
            self.amount_lock = amount_lock(link)
        else:
            self._start(draft_of(link, self.zone(), expiring_after=utc_now()))

    # ---- the image --------------------------------------------------------------------

    async def upload_image(self, files: list[rx.UploadFile]) -> Any:
        """The chosen file goes to ``POST /v1/images``; its re-encoded copy is previewed."""
        if not files or self.uploading:
            return
        self._clear("image")
        self.uploading = True
        yield
        try:
            image, problem, _ = await upload_first(self.api(), files)
        finally:
            self.uploading = False
        if image is None:
            self.errors = {**self.errors, "image": problem}
            return
        self.draft = replace(self.draft, image_id=str(image["id"]), image_url=str(image["url"]))

    # ---- submitting -------------------------------------------------------------------

    def _idempotency_key(self, body: dict[str, Any]) -> str:
        fingerprint = link_form.body_fingerprint(body)
        if fingerprint != self._attempt_fingerprint or not self._attempt_key:
            self._attempt_key = f"dash-{uuid.uuid4().hex}"
            self._attempt_fingerprint = fingerprint
        return self._attempt_key

    def _request(self, form: dict[str, Any]) -> link_form.LinkRequest:
        draft = with_text(self.draft, form)
        if self.amount_lock:
            draft = replace(draft, **{k: getattr(self._original, k) for k in AMOUNT_INPUTS})
        self.draft = draft
        if self.editing:
            return link_form.edit_changes(
                self._original, draft, self.currency, utc_now(), self.zone()
            )
        return link_form.build_link(draft, self.currency, utc_now(), self.zone())

    async def submit(self, form: dict[str, Any]) -> Any:
        if self.busy or self.uploading or self.load_error:
            return
        if self._created_id:
            yield rx.redirect(routes.link(self._created_id))
            return
        request = self._request(form)
        self.errors = request.errors
        self.notice = CHECK_FIELDS if request.errors else ""
        if not request.ok:
            yield focus_on(link_form.first_invalid(request.errors))
            return
        if self.editing and not request.body:
            self.opened = False
            yield rx.toast.info("Nothing changed.")
            yield rx.redirect(routes.link(self.editing))
            return
        self.busy = True
        yield
        try:
            link = await self._send(request.body)
        except api.Problem as problem:
            self._show_problem(problem)
            if self.errors:
                yield focus_on(link_form.first_invalid(self.errors))
            return
        except api.Unreachable:
            self.notice = UNREACHABLE
            return
        finally:
            self.busy = False
        self.opened = False
        if self.editing:
            yield rx.toast.success("Payment link updated.")
            yield rx.redirect(routes.link(self.editing))
            return
        self._created_id = str(link["id"])
        yield rx.toast.success("Payment link created.")
        yield rx.redirect(routes.link(self._created_id))

    async def _send(self, body: dict[str, Any]) -> Any:
        if self.editing:
            return await self.api().update_link(self.editing, body)
        return await self.api().create_link(body, idempotency_key=self._idempotency_key(body))

    def _show_problem(self, problem: api.Problem) -> None:
        if problem.errors:
            self.errors, others = link_form.form_errors(problem.errors)
            self.notice = others or CHECK_FIELDS
        elif problem.code == "link_has_payments":
            self.notice = "This link has taken a payment meanwhile: its amount can't change."
        elif problem.code == "payments_not_activated":
            self.notice = "Activate payments in Settings before creating links."
        elif problem.code in ("idempotency_key_reused", "idempotency_key_in_use"):
            self.notice = "This link is already being created. Wait a moment, then check the list."
        elif problem.code == "rate_limited" and problem.retry_after:
            self.notice = f"Too many requests. Try again in {problem.retry_after} seconds."
        else:
            self.notice = problem.detail
