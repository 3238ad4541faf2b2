"""The session cookie, HttpOnly: no script in the page can read the merchant's session.

Reflex's cookies (``rx.Cookie``) are written by the page's JavaScript, so they cannot be
HttpOnly, and the page's events travel over a websocket, whose answers set no cookie. So
the session goes the long way round, through one route of the dashboard's own server:

1. a login hands the state the API session; the state keeps it out of the page (a
   backend variable) and gives the page a one-time *ticket* in a short-lived cookie;
2. the page's head script (``SWAP_SCRIPT``) sees the ticket and opens ``/_session``,
   which swaps it for the HttpOnly session cookie (``SameSite=Strict``, ``Secure`` when
   the dashboard is served over HTTPS) and sends the browser back where it was;
3. from then on the state reads the session from the cookie that the page's websocket
   connection came with (the handshake's ``Cookie`` header, which Reflex keeps on the
   server); the download routes read it from their requests.

A logout gives the page the ``SIGNED_OUT`` ticket instead, for which ``/_session``
deletes the cookie. Tickets live a minute in Redis when the page state does (any process
may redeem one), else in this process.
"""

import os
import secrets
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

SESSION_COOKIE = "paylinks_session"
TICKET_COOKIE = "paylinks_ticket"
#: The ticket of a logout: ``/_session`` deletes the session cookie for it.
SIGNED_OUT = "signed-out"
#: The API's sessions last 30 days; the cookie need not outlive them.
SESSION_COOKIE_SECONDS = 30 * 24 * 3600
TICKET_SECONDS = 60
SWAP_PATH = "/_session"

#: Run in the page's head: as soon as a ticket cookie is there (at load, or set by the
#: state after a login or a logout), swap it at ``/_session`` and come back to this page.
SWAP_SCRIPT = (
    "(function(){var p=/(?:^|; )" + TICKET_COOKIE + "=[^;]/;function s(){"
    "if(!p.test(document.cookie))return false;"
    "location.replace('" + SWAP_PATH + "?next='+encodeURIComponent("
    "location.pathname+location.search));return true}"
    "if(!s()){var t=setInterval(function(){if(s())clearInterval(t)},200)}})();"
)

_REDIS_PREFIX = "paylinks_session_ticket:"


def dashboard_url() -> str:
    """Where browsers open the dashboard (``paylinks dashboard`` passes it on)."""
    return os.environ.get("PAYLINKS_DASHBOARD_URL", "")


def is_https(url: str) -> bool:
    """Whether the cookies are to be ``Secure`` (never sent over plain HTTP)."""
    return url.startswith("https://")


def local_path(given: str | None) -> str:
    """Where ``/_session`` sends the browser back: a path of this site, never another's."""
    if not given or not given.startswith("/") or given.startswith("//") or "\\" in given:
        return "/"
    return given


class Tickets:
    """One-time tickets for a session token, for ``TICKET_SECONDS``."""

    def __init__(self) -> None:
        self._here: dict[str, tuple[float, str]] = {}
        self._redis: Any = None
        self._redis_checked = False

    def _shared(self) -> Any:
        # Reflex's own Redis, when the page state is there (several processes).
        if not self._redis_checked:
            from reflex.utils.prerequisites import get_redis

            self._redis, self._redis_checked = get_redis(), True
        return self._redis

    async def issue(self, token: str) -> str:
        ticket = secrets.token_urlsafe(24)
        redis = self._shared()
        if redis is not None:
            await redis.set(_REDIS_PREFIX + ticket, token, ex=TICKET_SECONDS)
        else:
            now = time.monotonic()
            self._here = {k: v for k, v in self._here.items() if v[0] > now}
            self._here[ticket] = (now + TICKET_SECONDS, token)
        return ticket

    async def redeem(self, ticket: str) -> str | None:
        """The ticket's token, once; None for one unknown, used or expired."""
        redis = self._shared()
        if redis is not None:
            token = await redis.getdel(_REDIS_PREFIX + ticket)
            return token.decode() if isinstance(token, bytes) else token
        expires, token = self._here.pop(ticket, (0.0, ""))
        return token if expires > time.monotonic() else None


TICKETS = Tickets()


def session_routes(tickets: Tickets = TICKETS, secure: bool = False) -> Starlette:
    """``GET /_session``: mounted in front of the Reflex app (its ``api_transformer``)."""

    async def swap(request: Request) -> Response:
        response = RedirectResponse(local_path(request.query_params.get("next")), 303)
        response.headers["cache-control"] = "no-store"
        ticket = request.cookies.get(TICKET_COOKIE, "")
        if not ticket:
            return response  # nothing to swap (another site cannot send one: SameSite)
        response.delete_cookie(TICKET_COOKIE, path="/", samesite="strict", secure=secure)
        if ticket == SIGNED_OUT:
            response.delete_cookie(
                SESSION_COOKIE, path="/", samesite="strict", secure=secure, httponly=True
            )
            return response
        token = await tickets.redeem(ticket)
        if token:
            response.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=SESSION_COOKIE_SECONDS,
                path="/",
                samesite="strict",
                secure=secure,
                httponly=True,
            )
        return response

    return Starlette(routes=[Route(SWAP_PATH, swap, methods=["GET"])])
