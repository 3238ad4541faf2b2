"""Who is signed in: the session token (an HttpOnly cookie, so a reload keeps it and no
script reads it: ``dashboard.session_cookie``), the store it belongs to, and sign-up,
login and logout. Every page's state is a substate of this one and reaches the API with
``self.api()``."""

import contextlib
from datetime import tzinfo
from http.cookies import CookieError, SimpleCookie
from typing import Any

import reflex as rx

from dashboard import api, routes
from dashboard.display import zone_named
from dashboard.failures import FAILURES, UNREACHABLE, field_errors
from dashboard.session_cookie import (
    SESSION_COOKIE,
    SESSION_COOKIE_SECONDS,
    SIGNED_OUT,
    TICKET_COOKIE,
    TICKET_SECONDS,
    TICKETS,
    dashboard_url,
    is_https,
)
from paylinks import phones

TIME_ZONE_COOKIE = "paylinks_tz"
#: Run in the page's head, before the app starts: the browser's time zone in the cookie
#: that ``SessionState.time_zone`` reads (kept current if the merchant travels).
TIME_ZONE_SCRIPT = (
    "try{document.cookie='" + TIME_ZONE_COOKIE + "='+encodeURIComponent("
    "Intl.DateTimeFormat().resolvedOptions().timeZone||'')"
    f"+';path=/;max-age={SESSION_COOKIE_SECONDS};samesite=strict'}}catch(e){{}}"
)
CURRENCIES = ["GBP", "EUR", "USD", "JPY", "CHF", "SEK", "NOK", "DKK", "AUD", "CAD"]


def session_of(cookie_header: str) -> str:
    """The session token in a ``Cookie`` header ("" without one)."""
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(cookie_header)
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else ""


class SessionState(rx.State):
    #: The API session, never sent to the page: the HttpOnly cookie that the page's
    #: connection came with (``_sync_session``), or what a login or logout on this very
    #: connection made of it, until the page has swapped its ticket and reloaded.
    _token: str = ""
    #: The connection (socket id) on which ``_token`` was set by a login or logout.
    _token_connection: str = ""
    #: A one-time ticket the page swaps at ``/_session`` for the session cookie.
    ticket: str = rx.Cookie(
        "",
        name=TICKET_COOKIE,
        path="/",
        same_site="strict",
        max_age=TICKET_SECONDS,
        # Never sent over plain HTTP once the dashboard is served over HTTPS.
        secure=is_https(dashboard_url()),
    )

    #: The merchant's IANA time zone, as the browser reports it (``TIME_ZONE_SCRIPT``):
    #: times are shown, and link expiries entered, in it.
    time_zone: str = rx.Cookie(
        "", name=TIME_ZONE_COOKIE, path="/", same_site="strict", max_age=SESSION_COOKIE_SECONDS
    )

    user_email: str = ""
    store_id: str = ""
    store_name: str = ""
    currency: str = "GBP"
    #: The store's country: the region its customers' phone numbers are read in.
    country: str = "GB"
    payments_activated: bool = False
    gateway: str = ""
    #: False until /v1/me answered for this page view (pages wait on it).
    ready: bool = False

    auth_errors: dict[str, str] = {}
    auth_notice: str = ""
    auth_busy: bool = False
    #: Where the link that finishes a sign-up was emailed (the sign-up page says so).
    signup_sent_to: str = ""

    def api(self) -> api.DashboardApi:
        return api.client(self._token, self.router.session.client_ip or None)

    def zone(self) -> tzinfo:
        return zone_named(self.time_zone)

    @rx.var
    def signed_in(self) -> bool:
        return bool(self._token)

    @rx.var
    def phone_example(self) -> str:
        """A mobile number as the store's customers write it."""
        return phones.example(self.country)

    @rx.var
    def test_mode(self) -> bool:
        return self.gateway == "sandbox"

    # ---- loading a page ------------------------------------------------------------------

    def _remember(self, me: dict[str, Any]) -> None:
        store = me.get("store") or {}
        user = me.get("user") or {}
        self.user_email = str(user.get("email") or "")
        self.store_id = str(store.get("id") or "")
        self.store_name = str(store.get("name") or "")
        self.currency = str(store.get("currency") or "GBP")
        self.country = str(store.get("country") or "GB")
        self.payments_activated = bool(store.get("payments_activated"))
        self.gateway = str(store.get("gateway") or "")
        self.ready = True

    def _sync_session(self) -> None:
        """Take the session from the cookie of the page's connection, unless a login or
        logout on this connection set it since (the cookie follows once the page has
        swapped its ticket)."""
        if self._token_connection != self.router.session.session_id:
            self._token = session_of(self.router.headers.cookie)
            self._token_connection = ""

    async def _signed_in_as(self, token: str) -> None:
        self._token, self._token_connection = token, self.router.session.session_id
        self.ticket = await TICKETS.issue(token)

    def _forget(self) -> None:
        self._token, self._token_connection = "", self.router.session.session_id
        self.ticket = SIGNED_OUT
        self.ready = False
        self.user_email = self.store_id = self.store_name = self.gateway = ""
        self.payments_activated = False

    async def require_session(self) -> Any:
        """``on_load`` of every signed-in page: to the login page without a live session."""
        self._sync_session()
        if not self._token:
            self.ready = False
            return rx.redirect(routes.LOGIN)
        try:
            self._remember(await self.api().me())
        except api.Problem as problem:
            if problem.status == 401:
                self._forget()
                return rx.redirect(routes.LOGIN)
            return rx.toast.error(problem.detail)
        except api.Unreachable:
            return rx.toast.error(UNREACHABLE)
        return None

    async def require_payments(self) -> Any:
        """``on_load`` of the Payment Links pages: they exist once payments are activated."""
        redirect = await self.require_session()
        if redirect is None and self.ready and not self.payments_activated:
            return rx.redirect(routes.SETTINGS)
        return redirect

    async def open_home(self) -> Any:
        self._sync_session()
        if not self._token:
            return rx.redirect(routes.LOGIN)
        redirect = await self.require_session()
        if redirect is not None:
            return redirect
        return rx.redirect(routes.LINKS if self.payments_activated else routes.SETTINGS)

    def skip_if_signed_in(self) -> Any:
        """``on_load`` of the login and sign-up pages."""
        self._sync_session()
        self.auth_errors = {}
        self.auth_notice = ""
        return rx.redirect(routes.HOME) if self._token else None

    # ---- sign up, log in, log out --------------------------------------------------------

    async def signup(self, form: dict[str, Any]) -> Any:
        fields = ("store_name", "email", "currency", "country")
        values = {k: str(form.get(k) or "").strip() for k in fields}
        password = str(form.get("password") or "")
        errors = {}
        if not values["store_name"]:
            errors["store_name"] = "Enter your store's name."
        if not values["email"]:
            errors["email"] = "Enter your email address."
        if len(password) < 8:
            errors["password"] = "Use at least 8 characters."
        return await self._enter(
            errors,
            lambda client: client.signup(
                values["store_name"],
                values["email"],
                password,
                values["currency"] or "GBP",
                values["country"] or None,
            ),
            {"store_name", "email", "password", "currency", "country"},
            signs_in=False,
        )

    def field_edited(self, name: str, value: str) -> None:
        """A field of the login or sign-up form typed in: its error is stale, and goes
        (the form is checked again when it is sent)."""
        if name in self.auth_errors:
            self.auth_errors = {k: v for k, v in self.auth_errors.items() if k != name}

    async def login(self, form: dict[str, Any]) -> Any:
        email = str(form.get("email") or "").strip()
        password = str(form.get("password") or "")
        errors = {}
        if not email:
            errors["email"] = "Enter your email address."
        if not password:
            errors["password"] = "Enter your password."
        return await self._enter(
            errors, lambda client: client.login(email, password), {"email", "password"}
        )

    async def _enter(
        self, errors: dict[str, str], call: Any, known: set[str], signs_in: bool = True
    ) -> Any:
        """``signs_in``: the answer is a session (a login); else a sign-up's "confirmation
        sent", whose link signs in (``SignupConfirmState``)."""
        self.auth_errors = errors
        self.auth_notice = self.signup_sent_to = ""
        if errors or self.auth_busy:
            return None
        self.auth_busy = True
        try:
            session = await call(api.client(client_ip=self.router.session.client_ip or None))
        except api.Problem as problem:
            self.auth_errors, self.auth_notice = field_errors(problem, known)
            if problem.code == "rate_limited" and problem.retry_after:
                self.auth_notice = f"Too many attempts. Try again in {problem.retry_after} seconds."
            return None
        except api.Unreachable:
            self.auth_notice = UNREACHABLE
            return None
        finally:
            self.auth_busy = False
        if not signs_in:
            self.signup_sent_to = str(session["email"])
            return None
        await self._signed_in_as(str(session["token"]))
        return await self.open_home()

    async def logout(self) -> Any:
        if self._token:
            # The session ends here either way; the API expires it on its own.
            with contextlib.suppress(*FAILURES):
                await self.api().logout()
        self._forget()
        return rx.redirect(routes.LOGIN)
