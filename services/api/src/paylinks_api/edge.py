"""What every HTTP exchange gets, matched route or not, before Litestar routes it:

- a request id (SPEC §7): a trusted proxy's ``X-Request-Id`` is kept, any other request
  gets ``req_`` + a UUIDv7; it is the ``Request-Id`` header of the response, the
  ``request_id`` of a problem body (``current_request_id``) and of every log line
  written while the request runs (``RequestIdFilter``);
- ``HEAD`` wherever ``GET``: answered as the ``GET`` would be, without its body;
  ``Allow`` (of an ``OPTIONS`` or a 405) names every method of the path, ``HEAD`` beside
  ``GET`` (Litestar's own ``OPTIONS`` answer may name only the methods the path had when
  its first handlers were registered);
- CORS on the public checkout API for the origins of ``PAYLINKS_CORS_ORIGINS``: no
  credentials (the checkout takes none), the headers a front-end needs exposed;
- its count and duration in the metrics, by the route template Litestar matched (it
  writes it into the scope as it routes), its status and method.
"""

import logging
import re
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any, cast

import uuid_utils
from litestar.enums import ScopeType
from litestar.routes import BaseRoute, HTTPRoute
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from paylinks_api.metrics import observe_request

#: A request id a proxy may give: printable, short, no separators a log parser minds.
_PROXY_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_CURRENT: ContextVar[str | None] = ContextVar("paylinks_request_id", default=None)

CORS_PATH = "/v1/checkout/"
CORS_METHODS = "GET, HEAD, POST"
CORS_HEADERS = "content-type, idempotency-key"
CORS_EXPOSED = "request-id, retry-after, ratelimit, ratelimit-policy, idempotent-replayed"
CORS_MAX_AGE = "600"


def current_request_id() -> str | None:
    """The id of the request this code runs for, if any."""
    return _CURRENT.get()


def new_request_id() -> str:
    return f"req_{uuid_utils.uuid7().hex}"


class RequestIdFilter(logging.Filter):
    """Gives each log record ``request_id`` (``-`` outside a request), for the format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _CURRENT.get() or "-"
        return True


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class Edge:
    """Wraps the app's ASGI handler (outside its exception handling, so that problem
    bodies see the request id too)."""

    def __init__(
        self,
        app: ASGIApp,
        trusted_proxies: Iterable[str],
        cors_origins: Iterable[str],
        routes: Iterable[BaseRoute] = (),
    ) -> None:
        self.app = app
        http = [route for route in routes if isinstance(route, HTTPRoute)]
        # A fixed path before one with parameters that would match it too.
        http.sort(key=lambda route: route.path.count("{"))
        self.methods = [(_template(route.path), _allowed(route.methods)) for route in http]
        self.trusted_proxies = frozenset(trusted_proxies)
        self.cors_origins = frozenset(o.strip() for o in cors_origins if o.strip())

    def request_id(self, scope: Scope) -> str:
        client = scope.get("client")
        if client and client[0] in self.trusted_proxies:
            given = _header(scope, b"x-request-id")
            if given is not None and _PROXY_ID.fullmatch(given):
                return given
        return new_request_id()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = self.request_id(scope)
        token = _CURRENT.set(request_id)
        method, started, status = scope["method"], time.perf_counter(), 500

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._exchange(scope, receive, send_counted, request_id)
        finally:
            _CURRENT.reset(token)
            route = cast(dict[str, Any], scope).get("path_template")
            observe_request(method, route, status, time.perf_counter() - started)

    async def _exchange(
        self, scope: HTTPScope, receive: Receive, send: Send, request_id: str
    ) -> None:
        head = scope["method"] == "HEAD"
        if head:
            scope["method"] = "GET"
        extra: list[tuple[bytes, bytes]] = [(b"request-id", request_id.encode())]
        origin = self._cors_origin(scope)
        if origin is not None:
            extra += [
                (b"access-control-allow-origin", origin.encode()),
                (b"access-control-expose-headers", CORS_EXPOSED.encode()),
                (b"vary", b"Origin"),
            ]
            if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
                await self._preflight(send, extra)
                return

        async def send_with_edges(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, self._allow(scope["path"], v) if k.lower() == b"allow" else v)
                    for k, v in message.get("headers", ())
                ]
                message = {**message, "headers": [*headers, *extra]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_edges)

    def _cors_origin(self, scope: Scope) -> str | None:
        if not self.cors_origins or not scope["path"].startswith(CORS_PATH):
            return None
        origin = _header(scope, b"origin")
        return origin if origin in self.cors_origins else None

    async def _preflight(self, send: Send, extra: list[tuple[bytes, bytes]]) -> None:
        headers = [
            *extra,
            (b"access-control-allow-methods", CORS_METHODS.encode()),
            (b"access-control-allow-headers", CORS_HEADERS.encode()),
            (b"access-control-max-age", CORS_MAX_AGE.encode()),
        ]
        start: dict[str, Any] = {"type": "http.response.start", "status": 204, "headers": headers}
        await send(cast(Message, start))
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _allow(self, path: str, given: bytes) -> bytes:
        for template, allowed in self.methods:
            if template.fullmatch(path):
                return allowed
        return given


def _template(path: str) -> re.Pattern[str]:
    """A route's path (``/v1/payment-links/{link_id:str}``) as a pattern of request paths."""
    parts = re.split(r"\{[^}]*\}", path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _allowed(methods: Iterable[str]) -> bytes:
    allowed = {*methods, "OPTIONS"}
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(sorted(allowed)).encode()
