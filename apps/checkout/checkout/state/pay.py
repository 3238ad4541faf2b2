"""The pay page's state: which screen the customer sees, and each step of paying a link.

Card details pass through ``submit`` on their way to the API and are never kept in the
state (Reflex may write the state to disk).
"""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from checkout import api, forms, i18n, link_params, problems, routes
from checkout.display import (
    bounds_hint,
    currency_symbol,
    money,
    number_locale,
    retry_text,
)
from checkout.screens import Screen
from paylinks import locales
from paylinks.i18n import N_
from paylinks.money import amount_placeholder
from paylinks.payments.model import CUSTOMER_FIELDS, PAID

#: How long to wait for a payment the gateway is still deciding on (Stripe webhooks).
POLL_SECONDS = 1.0
POLL_ATTEMPTS = 30

#: Screens after a payment went through: opening the same link again leaves them shown.
_SETTLED = frozenset({Screen.SUCCESS, Screen.REDIRECTING})


class PayState(rx.State):
    screen: str = Screen.LOADING
    link_id: str = ""
    #: The page's language (``<html lang>``, the catalogs) and the locale of its numbers.
    lang: str = locales.DEFAULT
    locale: str = "en_GB"
    #: Every fixed text of the page, in ``lang``.
    t: dict[str, str] = i18n.texts(locales.DEFAULT)
    #: From the URL: the integrator's id for the payment, and whether it was valid.
    client_reference_id: str = ""
    bad_reference: bool = False
    #: Customer fields filled in from the URL, by field (the customer can change them).
    prefill: dict[str, str] = {}
    description_open: bool = False
    brand_color: str = ""
    brand_text_color: str = ""
    logo_url: str = ""
    #: The email a receipt goes to (shown on the thank-you page).
    receipt_email: str = ""

    merchant_name: str = ""
    title: str = ""
    description: str = ""
    image_url: str = ""
    currency: str = "GBP"
    amount_type: str = "fixed"
    fixed_amount: int = 0
    min_amount: int = 0
    max_amount: int = 0
    modes: dict[str, str] = {}
    gateway: str = "sandbox"
    stripe_publishable_key: str = ""
    status_message: str = ""

    errors: dict[str, str] = {}
    notice: str = ""
    declined: bool = False
    processing: bool = False
    #: Echoed by the form: a submission of an older attempt (a double click) is ignored.
    attempt: int = 0
    retry_in: int = 0

    payment_id: str = ""
    paid_amount: str = ""
    reference: str = ""
    thank_you: str = ""
    redirect_url: str = ""

    # A started payment that can still be confirmed, and what it was started with.
    pending_payment_id: str = ""
    pending_key: str = ""
    _client_secret: str = ""
    _charge: int = 0
    _customer: dict[str, Any] = {}
    _customer_email: str = ""
    _receipts: bool = False

    # ---- what the page shows -------------------------------------------------------------

    @rx.var
    def is_variable(self) -> bool:
        return self.amount_type == "variable"

    @rx.var
    def is_stripe(self) -> bool:
        return self.gateway == "stripe"

    @rx.var
    def test_mode(self) -> bool:
        """No real money moves: the sandbox, or Stripe with test keys."""
        return self.gateway != "stripe" or self.stripe_publishable_key.startswith("pk_test_")

    @rx.var
    def amount_label(self) -> str:
        if self.amount_type != "fixed" or not self.fixed_amount:
            return ""
        return money(self.fixed_amount, self.currency, self.locale)

    @rx.var
    def amount_hint(self) -> str:
        return bounds_hint(self.min_amount, self.max_amount, self.currency, self.locale, self.t)

    @rx.var
    def placeholder(self) -> str:
        return amount_placeholder(self.currency, self.locale)

    @rx.var
    def description_long(self) -> bool:
        """Long enough to push Pay off a phone's screen: clamped, with "Show more"."""
        return len(self.description) > 280 or self.description.count("\n") > 4

    @rx.var
    def brand_style(self) -> dict[str, str]:
        """The store's colour for the primary button and accents, with its text colour."""
        if not self.brand_color:
            return {}
        return {
            "--accent": self.brand_color,
            "--accent-dark": self.brand_color,
            "--on-accent": self.brand_text_color,
        }

    @rx.var
    def symbol(self) -> str:
        return currency_symbol(self.currency, self.locale)

    @rx.var
    def pay_label(self) -> str:
        if not self.amount_label:
            return self.t["pay"]
        return self.t["pay_amount"].format(amount=self.amount_label)

    @rx.var
    def page_title(self) -> str:
        """The browser tab's title."""
        return self.t["page_title"]

    @rx.var
    def receipt_note(self) -> str:
        if not self.receipt_email:
            return ""
        return self.t["receipt_sent"].format(email=self.receipt_email)

    @rx.var
    def has_customer_fields(self) -> bool:
        return any(mode != forms.DISABLED for mode in self.modes.values())

    @rx.var
    def retry_text(self) -> str:
        return retry_text(self.retry_in, self.t)

    @rx.var
    def merchant_initial(self) -> str:
        return (self.merchant_name.strip()[:1] or "·").upper()

    # ---- loading the link ----------------------------------------------------------------

    @rx.event
    async def load(self) -> Any:
        """On opening ``/pay/{id}``: the link, or the screen that says why it can't be paid.

        It runs again whenever the page's websocket reconnects (to this process or, with
        page state in Redis, another one), maybe after a payment the page sent just before:
        a paid page stays paid."""
        link_id = routes.link_id_from_path(self.router.url.path)
        if link_id is not None and link_id == self.link_id and self.screen in _SETTLED:
            return
        self._forget_payment()
        self.errors, self.notice, self.declined, self.processing = {}, "", False, False
        self.payment_id = self.paid_amount = self.reference = self.thank_you = ""
        self.redirect_url = ""
        self.screen = Screen.LOADING
        if link_id is None:
            self.screen = Screen.NOT_FOUND
            return
        self.link_id = link_id
        query = self.router.url.query_parameters
        self.prefill = link_params.prefill(query)
        self.client_reference_id, valid = link_params.client_reference(query)
        self.bad_reference = not valid
        self.description_open = False
        self.receipt_email = ""
        shown_lang = self.lang  # the page's <html lang>: the build's, or set by an earlier load
        await self._fetch_link(self.router.headers.accept_language)
        if self.lang != shown_lang:
            # A script for the browser is one more message and an eval: only for a change.
            yield _set_lang(self.lang)
        if self.screen == Screen.PAY and self.bad_reference:
            self.notice = self.t["bad_link_parameter"]

    async def _fetch_link(self, accept_language: str = "") -> None:
        try:
            link = await api.client(self.router.session.client_ip).get_link(self.link_id)
        except api.Problem as problem:
            self.screen = Screen.NOT_FOUND if problem.status == 404 else Screen.ERROR
            self.retry_in = problem.retry_after or 0
            return
        except api.Unreachable:
            self.screen = Screen.ERROR
            return
        self._show_link(link, accept_language)

    def _show_link(self, link: dict[str, Any], accept_language: str) -> None:
        self.merchant_name = str(link.get("merchant_name") or "")
        self.title = str(link.get("title") or "")
        self.description = str(link.get("description") or "")
        self.image_url = str(link.get("image_url") or "")
        self.currency = str(link.get("currency") or "GBP")
        country = str(link.get("country") or "")
        requested = self.router.url.query_parameters.get("locale")
        self.lang = locales.negotiate(requested, accept_language, country)
        self.locale = number_locale(self.lang, country)
        self.t = i18n.texts(self.lang)
        self.brand_color = str(link.get("brand_color") or "")
        self.brand_text_color = str(link.get("brand_text_color") or "")
        self.logo_url = str(link.get("logo_url") or "")
        self._receipts = bool(link.get("receipts_enabled"))
        self.amount_type = str(link.get("amount_type") or "fixed")
        self.fixed_amount = int(link.get("amount") or 0)
        self.min_amount = int(link.get("min_amount") or 0)
        self.max_amount = int(link.get("max_amount") or 0)
        fields = link.get("customer_fields") or {}
        self.modes = {name: str(fields.get(name, forms.DISABLED)) for name in CUSTOMER_FIELDS}
        self.gateway = str(link.get("gateway") or "sandbox")
        self.stripe_publishable_key = str(link.get("stripe_publishable_key") or "")
        # The API says why in English: other languages show their own words for it.
        self.status_message = str(link.get("message") or "") if self.lang == "en" else ""
        status = link.get("status")
        self.screen = {
            "inactive": Screen.INACTIVE,
            "expired": Screen.EXPIRED,
        }.get(str(status), Screen.PAY)

    @rx.event
    async def reload(self) -> None:
        """The error screen's "Try again"."""
        if self.link_id:
            self.screen = Screen.LOADING
            await self._fetch_link(self.router.headers.accept_language)

    # ---- paying --------------------------------------------------------------------------

    @rx.event
    async def submit(self, form_data: dict[str, Any]) -> Any:
        """The Pay button: check the form, start (or reuse) a payment, confirm it."""
        if self.screen != Screen.PAY or self.processing:
            return
        if str(form_data.get("attempt", "")) != str(self.attempt):
            return  # a second click that left before the first one's answer
        self.attempt += 1
        if self.bad_reference:
            self.notice = self.t["bad_link_parameter"]
            return
        values = {key: str(value or "") for key, value in form_data.items()}
        errors: dict[str, str] = {}
        amount = self.fixed_amount if self.amount_type == "fixed" else None
        if self.amount_type == "variable":
            try:
                amount = forms.check_amount(
                    values.get("amount", ""),
                    self.currency,
                    self.min_amount or None,
                    self.max_amount or None,
                    self.locale,
                )
            except forms.AmountError as error:
                errors["amount"] = str(error)
        errors |= forms.customer_errors(self.modes, values)
        card = None
        if self.gateway != "stripe":
            card, card_errors = forms.parse_card(
                values.get("card_number", ""),
                values.get("expiry", ""),
                values.get("cvc", ""),
                datetime.now(UTC).date(),
            )
            errors |= card_errors
        if errors:
            self.errors = self._tr_all(errors)
            self.notice = ""
            yield _focus(forms.first_error(errors))
            return
        self.errors, self.notice, self.declined = {}, "", False
        self.processing = True
        yield
        customer = forms.customer_payload(self.modes, values)
        self._customer_email = str(customer.get("email") or "") if self._receipts else ""
        if self.gateway == "stripe":
            self._charge = int(amount or 0)
            self._customer = customer
            yield rx.call_script(
                "window.paylinksStripe ? window.paylinksStripe.submit("
                f"{int(amount or 0)}) : "
                f"{{error: {json.dumps(self.t['card_form_loading'])}}}",
                callback=PayState.stripe_submitted,
            )
            return
        assert card is not None
        try:
            payment_id = await self._payment_for(amount, customer)
            result = await api.client(self.router.session.client_ip).confirm(
                payment_id, card.payload()
            )
        except api.Problem as problem:
            async for event in self._after_problem(problem):
                yield event
            return
        except api.Unreachable:
            self._network_failed()
            return
        async for event in self._after_confirm(result):
            yield event

    async def _payment_for(self, amount: int | None, customer: dict[str, Any]) -> str:
        """The pending payment started with the same amount and details, or a new one."""
        key = json.dumps([amount, customer], sort_keys=True)
        if self.pending_payment_id and self.pending_key == key:
            return self.pending_payment_id
        charge = amount if self.amount_type == "variable" else None
        started = await api.client(self.router.session.client_ip).start_payment(
            self.link_id, charge, customer, self.client_reference_id, self.lang
        )
        self.pending_payment_id = str(started["id"])
        self.pending_key = key
        self._client_secret = str(started.get("client_secret") or "")
        return self.pending_payment_id

    def _forget_payment(self) -> None:
        self.pending_payment_id = self.pending_key = self._client_secret = ""

    def _network_failed(self) -> None:
        self.processing = False
        self.notice = self._tr(
            N_("We couldn't reach the payment service. Check your connection and try again.")
        )

    async def _after_problem(self, problem: api.Problem) -> Any:
        """A 4xx from starting or confirming: the screen or inline errors it calls for."""
        self.processing = False
        code = problem.code
        if code == "link_unavailable":
            self.retry_in = problem.retry_after or 5
            self.screen = Screen.UNAVAILABLE
            yield PayState.count_down
        elif code in {"link_inactive", "link_expired"}:
            self._forget_payment()
            # The API says why in English: other languages show their own words for it.
            self.status_message = problem.detail if self.lang == locales.DEFAULT else ""
            self.screen = Screen.INACTIVE if code == "link_inactive" else Screen.EXPIRED
        elif problem.status == 404:
            self.screen = Screen.NOT_FOUND
        elif code == "validation_error" and problem.errors:
            errors = problems.form_errors(problem.errors)
            if "amount" in errors and self.amount_type == "variable":
                errors["amount"] = forms.bounds_error(
                    self.currency, self.min_amount or None, self.max_amount or None, self.locale
                )
            errors = self._tr_all(errors)
            if "form" in errors:
                self.notice = errors.pop("form")
            self.errors = errors
            yield _focus(forms.first_error(errors))
        else:
            if code in {"payment_expired", "payment_not_pending", "payment_processing"}:
                self._forget_payment()
            self.notice = self._tr(problems.notice(code, problem.detail, problem.retry_after))

    async def _after_confirm(self, payment: dict[str, Any]) -> Any:
        """Success, a decline, or a payment the gateway is still deciding on."""
        status = str(payment.get("status") or "")
        tries = 0
        while status == "pending" and tries < POLL_ATTEMPTS:
            await asyncio.sleep(POLL_SECONDS)
            tries += 1
            try:
                payment = await api.client(self.router.session.client_ip).get_payment(
                    self.pending_payment_id
                )
            except (api.Problem, api.Unreachable):
                continue
            status = str(payment.get("status") or "")
        self.processing = False
        if status in PAID:
            self._forget_payment()
            self.payment_id = str(payment.get("id") or "")
            self.paid_amount = money(
                int(payment.get("amount") or 0),
                str(payment.get("currency") or self.currency),
                self.locale,
            )
            self.reference = str(payment.get("reference") or self.payment_id)
            self.receipt_email = str(self._customer_email or "")
            after = payment.get("after_payment") or {}
            if after.get("type") == "redirect" and after.get("url"):
                self.redirect_url = str(after["url"])
                self.screen = Screen.REDIRECTING
                yield rx.redirect(self.redirect_url)
                return
            message = str(after.get("message") or "")
            # The API's default message is in English: the page says it in its language.
            if not message or message == i18n.TEXTS["thank_you"]:
                message = self.t["thank_you"]
            self.thank_you = message
            self.screen = Screen.SUCCESS
            yield rx.set_focus("success-heading")
            return
        if status == "pending":
            self.notice = self._tr(
                N_(
                    "Your payment is still being processed. Please don't pay again: "
                    "refresh this page in a minute to see the result."
                )
            )
            return
        self._forget_payment()
        self.declined = True
        reason = problems.decline(str(payment.get("failure_reason") or ""), self.lang)
        self.notice = " ".join(self._tr(sentence) for sentence in reason)
        yield rx.set_value("card_number", "")
        yield _focus("card_number")

    # ---- Stripe's Payment Element --------------------------------------------------------

    @rx.event
    async def stripe_submitted(self, result: dict[str, Any] | None) -> Any:
        """The Payment Element checked the card details: start the payment, then confirm."""
        error = (result or {}).get("error")
        if error:
            self.processing = False
            self.errors = {"card_number": str(error)}
            return
        try:
            await self._payment_for(self._charge, self._customer)
        except api.Problem as problem:
            async for event in self._after_problem(problem):
                yield event
            return
        except api.Unreachable:
            self._network_failed()
            return
        yield rx.call_script(
            f"window.paylinksStripe.confirm({json.dumps(self._client_secret)})",
            callback=PayState.stripe_confirmed,
        )

    @rx.event
    async def stripe_confirmed(self, result: dict[str, Any] | None) -> Any:
        """Stripe.js confirmed the PaymentIntent (or said why not): record it with the API."""
        error = (result or {}).get("error")
        if error:
            # The PaymentIntent takes another card: keep the payment for the next try.
            self.processing = False
            self.declined = True
            self.notice = f"{error} {self._tr(problems.DECLINED_HINT)}"
            return
        try:
            payment = await api.client(self.router.session.client_ip).confirm(
                self.pending_payment_id, None
            )
        except api.Problem as problem:
            async for event in self._after_problem(problem):
                yield event
            return
        except api.Unreachable:
            self._network_failed()
            return
        async for event in self._after_confirm(payment):
            yield event

    # ---- another customer holds the last slot --------------------------------------------

    @rx.event(background=True)
    async def count_down(self) -> Any:
        while True:
            await asyncio.sleep(1)
            async with self:
                if self.screen != Screen.UNAVAILABLE or self.retry_in <= 0:
                    return
                self.retry_in -= 1

    def _tr(self, message: str) -> str:
        """A message in the page's language (as it is when the catalog lacks it: the
        API's own messages, for one)."""
        return i18n.translate(self.lang, message)

    def _tr_all(self, errors: dict[str, str]) -> dict[str, str]:
        return {field: self._tr(message) for field, message in errors.items()}

    @rx.event
    def toggle_description(self) -> None:
        self.description_open = not self.description_open

    @rx.event
    def try_again(self) -> Any:
        """Back to the form, and submit it again as it was filled in."""
        self.retry_in = 0
        self.screen = Screen.PAY
        return rx.call_script(
            "setTimeout(() => document.getElementById('pay-form')?.requestSubmit(), 50)"
        )


def _set_lang(lang: str) -> Any:
    """``<html lang>`` of the page (the app is built once, in English)."""
    return rx.call_script(f"document.documentElement.lang = {json.dumps(lang)}")


def _focus(field: str | None) -> Any:
    return rx.set_focus(field) if field else rx.noop()
