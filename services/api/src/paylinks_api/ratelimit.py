"""Fixed-window request limits, counted with the ``limits`` library: in Redis when the
deployment has one (``PAYLINKS_REDIS_URL`` or the broker's), so that every API process
counts against the same budget, and in process memory on the embedded default.

Three policies: ``checkout`` and ``auth`` per client address (the public checkout; sign-up
and login), and ``login`` per account *and* address pair, which counts failed logins only.
An account is never locked as a whole: failures from other addresses never refuse the
right password from the owner's own (SPEC §7).

Every limited answer carries ``RateLimit-Policy`` and ``RateLimit`` (the IETF draft
*RateLimit header fields for HTTP*, -11) and a 429 ``Retry-After`` too. When the counting
store fails (Redis down or slow), requests are let through with a warning in the log: a
limit is a protection, not a rule of money (the capacity invariant lives in the database,
argon2 work is bounded by ``paylinks.secrets``), and an outage of it must not turn every
login and checkout into an error.
"""

import contextlib
import ipaddress
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard, Message, Scope
from redis.asyncio import ConnectionPool

from paylinks.errors import DomainError, ValidationFailed
from paylinks.stores.model import account_email

log = logging.getLogger("paylinks.api.ratelimit")

WINDOW_SECONDS = 60
#: Failed logins one address may make for one account in ``PAIR_WINDOW_SECONDS``: a person
#: who mistypes is rarely held up, a guesser gets a handful of tries per address.
LOGIN_FAILURES_PER_PAIR = 5
PAIR_WINDOW_SECONDS = 15 * 60
#: The window of the budget of starts one address has on one link with limited places
#: (``PAYLINKS_START_LIMIT_PER_HOUR``): each start holds a place for a short while, so one
#: address holds a one-off link for at most that many short holds an hour, however often
#: it tries, while a customer who retries after a declined card has room.
STARTS_WINDOW_SECONDS = 60 * 60
#: Longer addresses are counted by their first characters (none of them is an account:
#: an email address has at most 254).
_ACCOUNT_KEY_MAX = 320
#: Seconds to wait for Redis before the request goes through uncounted.
STORE_TIMEOUT = 0.5
#: A failing store is reported at most once in this many seconds per process.
_WARN_EVERY = 60.0
#: Where the limits of the current request are kept (the ASGI scope's state).
_STATE_KEY = "paylinks_rate_limits"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests: try again in {retry_after} s.")
        self.retry_after = retry_after


class Policy(msgspec.Struct, frozen=True):
    """A named budget: ``limit`` requests per ``window`` seconds per key."""

    name: str
    limit: int
    window: int

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.limit, self.window, namespace=self.name)


class Quota(msgspec.Struct, frozen=True):
    """Where one key stands in a policy's current window."""

    policy: Policy
    remaining: int
    #: Seconds until the window ends (at least 1).
    reset: int


class LimitReached(RateLimited):
    """A 429 with the quota that was spent, for the response's RateLimit headers."""

    def __init__(self, quota: Quota) -> None:
        super().__init__(quota.reset)
        self.quota = quota


def policy_header(quotas: list[Quota]) -> str:
    """``RateLimit-Policy``: ``"checkout";q=60;w=60``, a list when several apply."""
    return ", ".join(f'"{q.policy.name}";q={q.policy.limit};w={q.policy.window}' for q in quotas)


def limit_header(quotas: list[Quota]) -> str:
    """``RateLimit``: ``"checkout";r=12;t=42`` (requests left, seconds to the reset)."""
    return ", ".join(f'"{q.policy.name}";r={q.remaining};t={q.reset}' for q in quotas)


def policies(per_minute: int, starts_per_hour: int) -> dict[str, Policy]:
    return {
        "checkout": Policy("checkout", per_minute, WINDOW_SECONDS),
        "auth": Policy("auth", per_minute, WINDOW_SECONDS),
        "login": Policy("login", LOGIN_FAILURES_PER_PAIR, PAIR_WINDOW_SECONDS),
        "start": Policy("start", starts_per_hour, STARTS_WINDOW_SECONDS),
    }


def storage_for(redis_url: str) -> tuple[Storage, ConnectionPool | None]:
    """Redis storage for a Redis URL, with its connection pool (short timeouts: a slow
    Redis fails open quickly rather than holding requests); memory storage without one."""
    if not redis_url:
        return MemoryStorage(), None
    pool = ConnectionPool.from_url(
        redis_url, socket_timeout=STORE_TIMEOUT, socket_connect_timeout=STORE_TIMEOUT
    )
    options: dict[str, Any] = {"connection_pool": pool}
    storage = RedisStorage(
        f"async+{redis_url}", implementation="redispy", wrap_exceptions=True, **options
    )
    return storage, pool


class RateLimiter:
    """The app's limiter: ``hit`` counts a request against a policy for a key."""

    def __init__(
        self,
        storage: Storage,
        per_minute: int,
        trusted_proxies: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.time,
        *,
        starts_per_hour: int = 5,
    ) -> None:
        self.storage = storage
        self.policies = policies(per_minute, starts_per_hour)
        self.trusted_proxies = trusted_proxies
        self._strategy = FixedWindowRateLimiter(storage)
        self._clock = clock
        self._warned_at = -math.inf

    async def hit(self, policy_name: str, *key: str) -> Quota | None:
        """Count one request; raises RateLimited once the window's budget is spent. None
        when the store could not be reached (the request goes through)."""
        policy = self.policies[policy_name]
        try:
            allowed = await self._strategy.hit(policy.item, *key)
            stats = await self._strategy.get_window_stats(policy.item, *key)
        except StorageError as error:
            self._warn(error)
            return None
        reset = max(1, math.ceil(stats.reset_time - self._clock()))
        quota = Quota(policy, stats.remaining, reset)
        if not allowed:
            raise LimitReached(quota)
        return quota

    async def check(self, policy_name: str, *key: str) -> None:
        """Raise RateLimited when the key's budget is spent, without spending any."""
        policy = self.policies[policy_name]
        try:
            if await self._strategy.test(policy.item, *key):
                return
            stats = await self._strategy.get_window_stats(policy.item, *key)
        except StorageError as error:
            self._warn(error)
            return
        reset = max(1, math.ceil(stats.reset_time - self._clock()))
        raise LimitReached(Quota(policy, stats.remaining, reset))

    async def spend(self, policy_name: str, *key: str) -> None:
        """Spend one of the key's budget after the fact (never refuses)."""
        with contextlib.suppress(LimitReached):
            await self.hit(policy_name, *key)

    async def forget(self, policy_name: str, *key: str) -> None:
        """Start the key's window afresh (a login that succeeded)."""
        try:
            await self._strategy.clear(self.policies[policy_name].item, *key)
        except StorageError as error:
            self._warn(error)

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning(
                "Rate limits not counted (requests let through): %s: %s",
                type(error).__name__,
                error,
            )


def noted(connection: ASGIConnection[Any, Any, Any, Any]) -> list[Quota]:
    """The quotas counted for this request so far (the response's headers show them)."""
    state = connection.scope.setdefault("state", {})
    quotas: list[Quota] = state.setdefault(_STATE_KEY, [])
    return quotas


async def count(connection: ASGIConnection[Any, Any, Any, Any], policy: str, *key: str) -> None:
    """``hit`` with the app's limiter, the quota noted for the response's headers."""
    limiter: RateLimiter = connection.app.state.rate_limiter
    try:
        quota = await limiter.hit(policy, *key)
    except LimitReached as reached:
        noted(connection).append(reached.quota)
        raise
    if quota is not None:
        noted(connection).append(quota)


async def add_headers(message: Message, scope: Scope) -> None:
    """The app's ``before_send``: the RateLimit headers of the quotas counted."""
    if message["type"] != "http.response.start":
        return
    quotas = scope.get("state", {}).get(_STATE_KEY)
    if quotas:
        headers = MutableScopeHeaders.from_message(message)
        headers["RateLimit-Policy"] = policy_header(quotas)
        headers["RateLimit"] = limit_header(quotas)


@asynccontextmanager
async def login_attempt(
    connection: ASGIConnection[Any, Any, Any, Any], email: str
) -> AsyncIterator[None]:
    """Count a login attempt against its (account, address) pair, before the password is
    checked so that attempts sent side by side cannot all pass; a success starts the
    pair's window afresh. Unknown accounts are counted like known ones, so a 429 says
    nothing about which addresses have accounts; other addresses have budgets of their
    own, so nobody can lock the owner out."""
    limiter: RateLimiter = connection.app.state.rate_limiter
    pair = (account_key(email), address_key(client_address(connection, limiter.trusted_proxies)))
    await count(connection, "login", *pair)
    yield
    await limiter.forget("login", *pair)


async def within_start_budget(
    connection: ASGIConnection[Any, Any, Any, Any], link_id: str
) -> Callable[[], Awaitable[None]]:
    """Refuse a start when the client spent its budget of starts on the link; returns how
    to spend one, for a start that took a limited place (links without a cap never
    count: a place on them is never scarce)."""
    limiter: RateLimiter = connection.app.state.rate_limiter
    key = (address_key(client_address(connection, limiter.trusted_proxies)), link_id)
    try:
        await limiter.check("start", *key)
    except LimitReached as reached:
        noted(connection).append(reached.quota)
        raise

    async def spend() -> None:
        await limiter.spend("start", *key)

    return spend


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
    """A guard that counts the request against ``scope``'s policy per client
    (``address_key``), with the app's limiter (``app.state.rate_limiter``). A guard
    rather than a dependency: it runs before the handler's dependencies, and without the
    task group Litestar starts to resolve several dependencies side by side (a measurable
    share of a checkout request)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        limiter: RateLimiter = connection.app.state.rate_limiter
        await count(
            connection, scope, address_key(client_address(connection, limiter.trusted_proxies))
        )

    guard.rate_limit_scope = scope  # type: ignore[attr-defined]  # the OpenAPI's 429s
    return guard
