"""The rate limiter over ``limits``' memory storage, and a store that fails."""

import asyncio
import logging

import pytest
from limits.aio.storage import MemoryStorage
from limits.errors import StorageError

from paylinks_api.ratelimit import (
    LOGIN_FAILURES_PER_PAIR,
    PAIR_WINDOW_SECONDS,
    WINDOW_SECONDS,
    LimitReached,
    Policy,
    Quota,
    RateLimited,
    RateLimiter,
    account_key,
    address_key,
    limit_header,
    policy_header,
)


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter(MemoryStorage(), 3)


async def spend(
    limiter: RateLimiter, times: int, scope: str = "auth", client: str = "1.2.3.4"
) -> None:
    for _ in range(times):
        await limiter.hit(scope, client)


class TestLimit:
    async def test_requests_within_the_limit_pass(self, limiter: RateLimiter) -> None:
        remaining = [(await limiter.hit("auth", "a")).remaining for _ in range(3)]  # type: ignore[union-attr]
        assert remaining == [2, 1, 0]

    async def test_the_next_request_is_limited(self, limiter: RateLimiter) -> None:
        await spend(limiter, 3)
        with pytest.raises(RateLimited) as caught:
            await limiter.hit("auth", "1.2.3.4")
        assert caught.value.code == "rate_limited"
        assert 1 <= caught.value.retry_after <= WINDOW_SECONDS
        assert str(caught.value.retry_after) in caught.value.message

    async def test_limited_requests_stay_limited(self, limiter: RateLimiter) -> None:
        await spend(limiter, 3)
        for _ in range(5):
            with pytest.raises(RateLimited):
                await limiter.hit("auth", "1.2.3.4")

    async def test_the_window_resets(self, limiter: RateLimiter) -> None:
        limiter.policies["auth"] = Policy("auth", 1, 1)
        await limiter.hit("auth", "a")
        with pytest.raises(RateLimited) as caught:
            await limiter.hit("auth", "a")
        assert caught.value.retry_after == 1
        await asyncio.sleep(1.05)
        await limiter.hit("auth", "a")


class TestIndependence:
    async def test_clients_are_counted_apart(self, limiter: RateLimiter) -> None:
        await spend(limiter, 3, client="1.1.1.1")
        await spend(limiter, 3, client="2.2.2.2")
        with pytest.raises(RateLimited):
            await limiter.hit("auth", "1.1.1.1")

    async def test_policies_are_counted_apart(self, limiter: RateLimiter) -> None:
        await spend(limiter, 3, scope="auth")
        await spend(limiter, 3, scope="checkout")
        with pytest.raises(RateLimited):
            await limiter.hit("checkout", "1.2.3.4")

    async def test_one_64_shares_a_budget(self, limiter: RateLimiter) -> None:
        for host in range(3):
            await limiter.hit("auth", address_key(f"2001:db8:1:2::{host + 1:x}"))
        with pytest.raises(RateLimited):
            await limiter.hit("auth", address_key("2001:db8:1:2:dead:beef:0:1"))
        await limiter.hit("auth", address_key("2001:db8:1:3::1"))

    async def test_a_pair_is_its_own_budget(self, limiter: RateLimiter) -> None:
        for _ in range(LOGIN_FAILURES_PER_PAIR):
            await limiter.hit("login", "ana@example.com", "203.0.113.9")
        with pytest.raises(LimitReached) as caught:
            await limiter.hit("login", "ana@example.com", "203.0.113.9")
        assert caught.value.quota.policy.window == PAIR_WINDOW_SECONDS
        await limiter.hit("login", "ana@example.com", "198.51.100.7")
        await limiter.hit("login", "bo@example.com", "203.0.113.9")

    async def test_forgetting_starts_a_pair_afresh(self, limiter: RateLimiter) -> None:
        for _ in range(LOGIN_FAILURES_PER_PAIR):
            await limiter.hit("login", "ana@example.com", "203.0.113.9")
        await limiter.forget("login", "ana@example.com", "203.0.113.9")
        await limiter.hit("login", "ana@example.com", "203.0.113.9")


class TestHeaders:
    def test_the_drafts_structured_fields(self) -> None:
        quotas = [Quota(Policy("auth", 60, 60), 12, 42), Quota(Policy("login", 5, 900), 4, 900)]
        assert policy_header(quotas) == '"auth";q=60;w=60, "login";q=5;w=900'
        assert limit_header(quotas) == '"auth";r=12;t=42, "login";r=4;t=900'


class FailingStorage(MemoryStorage):
    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        raise StorageError(ConnectionError("Redis is down"))

    async def clear(self, key: str) -> None:
        raise StorageError(ConnectionError("Redis is down"))


class TestAFailingStore:
    async def test_requests_go_through_with_one_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        limiter = RateLimiter(FailingStorage(), 1)
        with caplog.at_level(logging.WARNING, "paylinks.api.ratelimit"):
            for _ in range(5):
                assert await limiter.hit("auth", "a") is None
            await limiter.forget("login", "a", "b")
        warnings = [r for r in caplog.records if "not counted" in r.getMessage()]
        assert len(warnings) == 1
        assert "Redis is down" in warnings[0].getMessage()


class TestClientAddress:
    def _request(self, peer: str, forwarded: str | None) -> object:
        from litestar import Request

        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return Request(
            scope={
                "type": "http",
                "method": "GET",
                "path": "/",
                "headers": headers,
                "client": (peer, 1234),
                "query_string": b"",
            }
        )  # type: ignore[arg-type]

    def test_a_trusted_proxy_names_the_customer(self) -> None:
        from paylinks_api.ratelimit import client_address

        request = self._request("127.0.0.1", "203.0.113.9, 198.51.100.7")
        assert client_address(request, frozenset({"127.0.0.1"})) == "198.51.100.7"  # type: ignore[arg-type]

    def test_anyone_else_cannot_pretend(self) -> None:
        from paylinks_api.ratelimit import client_address

        request = self._request("192.0.2.1", "203.0.113.9")
        assert client_address(request, frozenset({"127.0.0.1"})) == "192.0.2.1"  # type: ignore[arg-type]
        assert (
            client_address(
                self._request("127.0.0.1", None),  # type: ignore[arg-type]
                frozenset({"127.0.0.1"}),
            )
            == "127.0.0.1"
        )


class TestAddressKey:
    def test_an_ipv4_address_is_its_own_client(self) -> None:
        assert address_key("203.0.113.9") == "203.0.113.9"
        assert address_key("203.0.113.10") != address_key("203.0.113.9")

    def test_an_ipv6_address_counts_as_its_64(self) -> None:
        assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
        assert address_key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"

    def test_two_64s_are_two_clients(self) -> None:
        assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")

    def test_spellings_of_one_address_agree(self) -> None:
        assert address_key("2001:DB8:1:2::1") == address_key("2001:0db8:0001:0002:0:0:0:1")

    def test_an_ipv4_mapped_address_counts_as_the_ipv4(self) -> None:
        assert address_key("::ffff:203.0.113.9") == "203.0.113.9"
        assert address_key("::ffff:cb00:7109") == "203.0.113.9"

    def test_a_scoped_address_counts_as_its_64(self) -> None:
        assert address_key("fe80::1%eth0") == "fe80::/64"

    def test_anything_else_is_kept_as_it_is(self) -> None:
        assert address_key("unknown") == "unknown"
        assert address_key("testclient") == "testclient"


class TestAccountKey:
    def test_spellings_of_one_account_agree(self) -> None:
        assert account_key("  Ana@Example.COM\n") == "ana@example.com"
        assert account_key(" Not An Address ") == "not an address"
        assert len(account_key("x" * 10_000)) <= 320
