"""The security headers of the web apps (SPEC §10), around the ASGI app that Reflex serves:

- every response: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
  strict-origin-when-cross-origin``, ``X-Frame-Options: DENY`` (the older browsers' word
  for ``frame-ancestors 'none'``: neither app is ever framed, so no one can dress a
  payment page or the dashboard up as something else to click on);
- every HTML page: a Content-Security-Policy. Scripts: the app's own files and, by their
  SHA-256 hashes, exactly the inline scripts of that page (the build pre-renders each
  page with a handful: React Router's context, the theme, streaming) and the app's head
  scripts (``head_scripts``: react-helmet writes them into the page as it starts) — never
  ``'unsafe-inline'``. ``'unsafe-eval'`` (``evaluates``, both apps): what a state sends the
  page to run (the checkout's Stripe.js, retry and language; the dashboard's toasts,
  focus and the list's address: ``rx.call_script``, ``rx.toast``), Reflex's client runs
  with ``eval``. An injected ``<script>`` or inline handler is still refused. Styles do
  need ``'unsafe-inline'``: Emotion and Radix write style elements and attributes as the
  page runs. Images may come from the API (link images, logos) and ``data:`` (the QR
  code). Stripe.js
  (``https://js.stripe.com``, with its frames and API) only on a checkout page of a link
  whose store takes payments with Stripe (``stripe_page``), nowhere in the dashboard;
- no CORS: a response never carries ``Access-Control-Allow-*`` (Reflex's backend would
  echo any ``Origin`` with credentials allowed). The pages call their own origin only,
  which needs none; the socket.io endpoint ``/_event/`` refuses a websocket from any other
  origin (``REFLEX_CORS_ALLOWED_ORIGINS``, set by ``webserve``), so another site's page
  cannot drive a merchant's session.
"""

import base64
import gzip
import hashlib
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

#: An ASGI application, and what it receives and sends.
ASGIApp = Callable[..., Awaitable[None]]
Message = dict[str, Any]
#: Whether the page at this path loads Stripe.js (the checkout of a Stripe store).
StripePage = Callable[[str], Awaitable[bool]]

STRIPE_JS_ORIGIN = "https://js.stripe.com"
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"

ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
)
_CORS_PREFIX = b"access-control-allow-"
# A script element without a src: its text is what the browser hashes.
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S | re.I)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def script_source(script: bytes) -> str:
    """The CSP source that allows this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


@lru_cache(maxsize=256)
def script_hashes(html: bytes) -> tuple[str, ...]:
    """The CSP sources of the page's inline scripts (pages are few and built once)."""
    found = dict.fromkeys(
        script_source(script) for script in _INLINE_SCRIPT.findall(html) if script.strip()
    )
    return tuple(found)


def content_security_policy(
    hashes: Iterable[str], api_origin: str, stripe: bool, evaluates: bool = False
) -> str:
    """The policy of one page."""
    api = [api_origin] if api_origin else []
    scripts = ["'self'", *hashes, *(["'unsafe-eval'"] if evaluates else [])]
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": [*scripts, *([STRIPE_JS_ORIGIN] if stripe else [])],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *api],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *([STRIPE_API] if stripe else [])],
        "frame-src": list(STRIPE_FRAMES) if stripe else ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


class SecurityHeaders:
    """Wraps a web app's ASGI app; ``api_origin``: where its images come from;
    ``head_scripts``: the text of the scripts its pages add to their head as they start;
    ``evaluates``: whether its state runs scripts (``rx.call_script``)."""

    def __init__(
        self,
        app: ASGIApp,
        api_origin: str,
        stripe_page: StripePage | None = None,
        *,
        head_scripts: Iterable[str] = (),
        evaluates: bool = False,
    ) -> None:
        self.app = app
        self.api_origin = api_origin
        self.stripe_page = stripe_page
        self.head_scripts = tuple(script_source(s.encode()) for s in head_scripts)
        self.evaluates = evaluates

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Any answer may be a page (a client need not say it accepts HTML), whose body is
        # read to hash its scripts: as body messages, not granian's
        # ``http.response.pathsend`` (a file the server would send itself after the start
        # this middleware holds back).
        extensions = {
            name: value
            for name, value in (scope.get("extensions") or {}).items()
            if name != "http.response.pathsend"
        }
        scope = {**scope, "extensions": extensions}
        if b"text/html" in (_header(scope, b"accept") or b""):
            # A page asked for as one: uncompressed, to hash its scripts as they are.
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
            scope = {**scope, "headers": headers}
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", ())
                    if not k.lower().startswith(_CORS_PREFIX)
                ]
                message = {**message, "headers": [*headers, *ALWAYS]}
                if _is_html(message):
                    start = message  # sent with the whole body, once its CSP is known
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await self._send_page(scope["path"], start, b"".join(body), send)
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send_page(self, path: str, start: Message, body: bytes, send: Any) -> None:
        headers = list(start["headers"])
        encoding = next((v for k, v in headers if k.lower() == b"content-encoding"), None)
        # Browsers' page requests come uncompressed (see ``__call__``); gzip is read for
        # any other client, and another encoding leaves the page without inline scripts.
        html = _decoded(body, encoding)
        stripe = self.stripe_page is not None and await self.stripe_page(path)
        hashes = dict.fromkeys([*script_hashes(html), *self.head_scripts])
        policy = content_security_policy(hashes, self.api_origin, stripe, self.evaluates)
        headers.append((b"content-security-policy", policy.encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _decoded(body: bytes, encoding: bytes | None) -> bytes:
    if encoding is None:
        return body
    return gzip.decompress(body) if encoding == b"gzip" else b""


def _is_html(start: Message) -> bool:
    for key, value in start.get("headers", ()):
        if key.lower() == b"content-type":
            return bytes(value).startswith(b"text/html")
    return False


class StripeLinks:
    """Which checkout pages load Stripe.js: those of a link whose store's gateway is
    Stripe, as the public checkout API says (``gateway_of``, None when it cannot say).
    Answers are kept a minute, so a page load costs no API call most of the time, and a
    store that switches gateway gets its policy within a minute."""

    TTL_SECONDS = 60.0
    MAX_LINKS = 4096

    def __init__(
        self,
        link_id_of: Callable[[str], str | None],
        gateway_of: Callable[[str], Awaitable[str | None]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.link_id_of = link_id_of
        self.gateway_of = gateway_of
        self.clock = clock
        self._known: dict[str, tuple[float, bool]] = {}

    async def __call__(self, path: str) -> bool:
        link_id = self.link_id_of(path)
        if link_id is None:
            return False
        now = self.clock()
        known = self._known.get(link_id)
        if known is not None and known[0] > now:
            return known[1]
        gateway = await self.gateway_of(link_id)
        if gateway is None:
            return False  # the page will say what is wrong; asked again next time
        if len(self._known) >= self.MAX_LINKS:
            self._known.clear()
        self._known[link_id] = (now + self.TTL_SECONDS, gateway == "stripe")
        return gateway == "stripe"
