"""Fixed-window request limits: per client address for login, sign-up and public checkout,
and per account (the email) for login attempts.

Kept in process memory: each API process limits on its own, which bounds abuse without a
shared store; a deployment behind a proxy should also limit at the proxy.
"""

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from paylinks.errors import DomainError, ValidationFailed
from paylinks.stores.model import account_email

WINDOW_SECONDS = 60.0
#: Login attempts that may fail for one account (email) in ``ACCOUNT_WINDOW_SECONDS``,
#: however many addresses they come from: about a thousand guesses a day at most, while a
#: person who mistypes is rarely held up.
LOGIN_FAILURES_PER_ACCOUNT = 10
ACCOUNT_WINDOW_SECONDS = 15 * 60.0
#: Keys tracked per scope at most; past it the oldest window is forgotten early, so a
#: flood of new clients costs bounded memory.
MAX_KEYS = 100_000
#: Longer addresses are counted by their first characters (none of them is an account:
#: an email address has at most 254).
_ACCOUNT_KEY_MAX = 320


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests: try again in {retry_after} s.")
        self.retry_after = retry_after


class _Windows:
    """One scope's windows, oldest first. A window starts at a key's first request and
    ends ``window`` seconds later; windows that ended are dropped from the head on each
    hit (amortised O(1), never a pass over the whole table), and a key whose window ended
    starts a new one at the tail, so the order stays that of the start times."""

    def __init__(self, limit: int, window: float, max_keys: int) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._started: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._started)

    def hit(self, key: str, now: float) -> None:
        self._forget_ended(now)
        found = self._started.get(key)
        if found is None:
            if len(self._started) >= self.max_keys:
                self._started.popitem(last=False)
            self._started[key] = (now, 1)
            return
        start, count = found
        if count >= self.limit:
            raise RateLimited(max(1, math.ceil(start + self.window - now)))
        self._started[key] = (start, count + 1)

    def forgive(self, key: str) -> None:
        """Give back one request of the key's current window."""
        if key in self._started:
            start, count = self._started[key]
            self._started[key] = (start, max(0, count - 1))

    def _forget_ended(self, now: float) -> None:
        started = self._started
        while started:
            start, _ = started[next(iter(started))]
            if now - start < self.window:
                return
            started.popitem(last=False)


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        trusted_proxies: frozenset[str] = frozenset(),
        *,
        account_limit: int = LOGIN_FAILURES_PER_ACCOUNT,
        account_window: float = ACCOUNT_WINDOW_SECONDS,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.trusted_proxies = trusted_proxies
        self.window = window
        self.max_keys = max_keys
        self._monotonic = monotonic
        self._scopes: dict[str, _Windows] = {}
        self._accounts = _Windows(account_limit, account_window, max_keys)

    def __len__(self) -> int:
        """How many windows are tracked, over all scopes and accounts."""
        return len(self._accounts) + sum(len(windows) for windows in self._scopes.values())

    def hit(self, scope: str, client: str) -> None:
        """Count one request; raises RateLimited once the window's budget is spent."""
        windows = self._scopes.get(scope)
        if windows is None:
            windows = self._scopes[scope] = _Windows(self.limit, self.window, self.max_keys)
        windows.hit(client, self._monotonic())

    @contextmanager
    def login_attempt(self, email: str) -> Iterator[None]:
        """Count a login attempt against the account's budget of failures; the attempt is
        given back if the block succeeds. Counted before the password is checked, so
        that attempts sent side by side cannot all pass. Unknown addresses are counted
        like known ones, so a 429 says nothing about which addresses have accounts."""
        key = account_key(email)
        self._accounts.hit(key, self._monotonic())
        yield
        self._accounts.forgive(key)


def account_key(email: str) -> str:
    """What an account's login attempts are counted by: its sign-in address normalised as
    an account's is (trimmed, lower case), so that no spelling of it gets a fresh budget."""
    try:
        return account_email("email", email)
    except ValidationFailed:
        return email.strip().lower()[:_ACCOUNT_KEY_MAX]


def address_key(address: str) -> str:
    """What one client is counted by: an IPv4 address, or the /64 of an IPv6 address,
    since one customer is given a whole /64 (an IPv4-mapped address counts as its IPv4).
    Anything that is not an address is counted as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


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
    (``app.state.rate_limiter``), per client (``address_key``). A guard rather than a
    dependency: it runs before the handler's dependencies, and without the task group
    Litestar starts to resolve several dependencies side by side (a measurable share of a
    checkout request). Async, because Litestar runs a sync guard in a worker thread."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        limiter: RateLimiter = connection.app.state.rate_limiter
        limiter.hit(scope, address_key(client_address(connection, limiter.trusted_proxies)))

    guard.rate_limit_scope = scope  # type: ignore[attr-defined]  # the OpenAPI's 429s
    return guard
