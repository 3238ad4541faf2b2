"""A fixed-window request limit per client address, for login and public checkout routes.

Kept in process memory: each API process limits on its own, which bounds abuse without a
shared store; a deployment behind a proxy should also limit at the proxy.
"""

import math
import time
from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from paylinks.errors import DomainError

WINDOW_SECONDS = 60.0


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests: try again in {retry_after} s.")
        self.retry_after = retry_after


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        trusted_proxies: frozenset[str] = frozenset(),
    ) -> None:
        self.limit = limit
        self.trusted_proxies = trusted_proxies
        self.window = window
        self._monotonic = monotonic
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, scope: str, client: str) -> None:
        """Count one request; raises RateLimited once the window's budget is spent."""
        now = self._monotonic()
        key = (scope, client)
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        if count >= self.limit:
            raise RateLimited(max(1, math.ceil(start + self.window - now)))
        self._windows[key] = (start, count + 1)
        if len(self._windows) > 100_000:
            self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self.window}


def client_address(connection: ASGIConnection[Any, Any, Any, Any], trusted: frozenset[str]) -> str:
    """The caller's address; behind a trusted proxy (the checkout app's server, a load
    balancer), the last address it appended to ``X-Forwarded-For``."""
    peer = connection.client.host if connection.client else "unknown"
    forwarded = connection.headers.get("x-forwarded-for", "")
    if peer in trusted and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer


def limit(scope: str) -> Guard:
    """A guard that counts the request against ``scope``'s limit, with the app's limiter
    (``app.state.rate_limiter``). A guard rather than a dependency: it runs before the
    handler's dependencies, and without the task group Litestar starts to resolve
    several dependencies side by side (a measurable share of a checkout request). Async,
    because Litestar runs a sync guard in a worker thread."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        limiter: RateLimiter = connection.app.state.rate_limiter
        limiter.hit(scope, client_address(connection, limiter.trusted_proxies))

    return guard
