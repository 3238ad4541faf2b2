"""The fixed-window rate limiter, on an injected monotonic clock."""

import time

import pytest

from paylinks_api.ratelimit import (
    ACCOUNT_WINDOW_SECONDS,
    LOGIN_FAILURES_PER_ACCOUNT,
    MAX_KEYS,
    WINDOW_SECONDS,
    RateLimited,
    RateLimiter,
    account_key,
    address_key,
)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def limiter(clock: FakeMonotonic) -> RateLimiter:
    return RateLimiter(3, monotonic=clock)


def spend(limiter: RateLimiter, times: int, scope: str = "login", client: str = "1.2.3.4") -> None:
    for _ in range(times):
        limiter.hit(scope, client)


class TestLimit:
    def test_requests_within_the_limit_pass(self, limiter: RateLimiter) -> None:
        spend(limiter, 3)

    def test_the_next_request_is_limited(self, limiter: RateLimiter) -> None:
        spend(limiter, 3)
        with pytest.raises(RateLimited) as caught:
            limiter.hit("login", "1.2.3.4")
        assert caught.value.code == "rate_limited"
        assert 1 <= caught.value.retry_after <= WINDOW_SECONDS

    def test_retry_after_is_the_rest_of_the_window(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        spend(limiter, 3)
        clock.now += 20
        with pytest.raises(RateLimited) as caught:
            limiter.hit("login", "1.2.3.4")
        assert caught.value.retry_after == 40
        assert "40" in caught.value.message

    def test_retry_after_is_at_least_one_second(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        spend(limiter, 3)
        clock.now += 59.99
        with pytest.raises(RateLimited) as caught:
            limiter.hit("login", "1.2.3.4")
        assert caught.value.retry_after == 1

    def test_limited_requests_stay_limited(self, limiter: RateLimiter) -> None:
        spend(limiter, 3)
        for _ in range(5):
            with pytest.raises(RateLimited):
                limiter.hit("login", "1.2.3.4")

    def test_a_limit_of_one(self, clock: FakeMonotonic) -> None:
        limiter = RateLimiter(1, monotonic=clock)
        limiter.hit("login", "a")
        with pytest.raises(RateLimited):
            limiter.hit("login", "a")


class TestWindow:
    def test_resets_after_60_seconds(self, limiter: RateLimiter, clock: FakeMonotonic) -> None:
        spend(limiter, 3)
        clock.now += 60
        spend(limiter, 3)
        with pytest.raises(RateLimited):
            limiter.hit("login", "1.2.3.4")

    def test_does_not_reset_before_60_seconds(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        spend(limiter, 3)
        clock.now += 59.5
        with pytest.raises(RateLimited):
            limiter.hit("login", "1.2.3.4")

    def test_limited_requests_do_not_extend_the_window(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        spend(limiter, 3)
        clock.now += 30
        with pytest.raises(RateLimited):
            limiter.hit("login", "1.2.3.4")
        clock.now += 30
        spend(limiter, 3)

    def test_starts_at_the_first_request(self, limiter: RateLimiter, clock: FakeMonotonic) -> None:
        spend(limiter, 1)
        clock.now += 50
        spend(limiter, 2)
        clock.now += 10
        spend(limiter, 3)

    def test_a_custom_window(self, clock: FakeMonotonic) -> None:
        limiter = RateLimiter(1, window=5, monotonic=clock)
        limiter.hit("login", "a")
        with pytest.raises(RateLimited) as caught:
            limiter.hit("login", "a")
        assert caught.value.retry_after == 5
        clock.now += 5
        limiter.hit("login", "a")


class TestIndependence:
    def test_clients_are_counted_apart(self, limiter: RateLimiter) -> None:
        spend(limiter, 3, client="1.1.1.1")
        spend(limiter, 3, client="2.2.2.2")
        with pytest.raises(RateLimited):
            limiter.hit("login", "1.1.1.1")

    def test_scopes_are_counted_apart(self, limiter: RateLimiter) -> None:
        spend(limiter, 3, scope="login")
        spend(limiter, 3, scope="checkout")
        with pytest.raises(RateLimited):
            limiter.hit("checkout", "1.2.3.4")

    def test_limiters_are_independent(self, clock: FakeMonotonic) -> None:
        first, second = RateLimiter(1, monotonic=clock), RateLimiter(1, monotonic=clock)
        first.hit("login", "a")
        second.hit("login", "a")


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

    def test_one_64_shares_a_budget(self, limiter: RateLimiter) -> None:
        for host in range(3):
            limiter.hit("login", address_key(f"2001:db8:1:2::{host + 1:x}"))
        with pytest.raises(RateLimited):
            limiter.hit("login", address_key("2001:db8:1:2:dead:beef:0:1"))
        limiter.hit("login", address_key("2001:db8:1:3::1"))


class TestAccounts:
    def fail(self, limiter: RateLimiter, email: str = "ana@example.com") -> None:
        with pytest.raises(ValueError), limiter.login_attempt(email):
            raise ValueError("wrong password")

    def test_failures_are_limited_per_account(self, limiter: RateLimiter) -> None:
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT):
            self.fail(limiter)
        ran = False
        with pytest.raises(RateLimited) as caught, limiter.login_attempt("ana@example.com"):
            ran = True
        assert not ran
        assert caught.value.code == "rate_limited"
        assert caught.value.retry_after == ACCOUNT_WINDOW_SECONDS

    def test_the_address_limit_does_not_apply(self, limiter: RateLimiter) -> None:
        # The limiter's address budget is 3 a minute; an account's is its own.
        assert limiter.limit < LOGIN_FAILURES_PER_ACCOUNT
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT):
            self.fail(limiter)
        spend(limiter, 3)

    def test_successes_are_given_back(self, limiter: RateLimiter) -> None:
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT - 1):
            self.fail(limiter)
        for _ in range(3 * LOGIN_FAILURES_PER_ACCOUNT):
            with limiter.login_attempt("ana@example.com"):
                pass
        self.fail(limiter)
        with pytest.raises(RateLimited), limiter.login_attempt("ana@example.com"):
            pass

    def test_spellings_of_one_address_share_the_budget(self, limiter: RateLimiter) -> None:
        for index in range(LOGIN_FAILURES_PER_ACCOUNT):
            self.fail(limiter, " Ana@Example.COM " if index % 2 else "ana@example.com")
        with pytest.raises(RateLimited), limiter.login_attempt("ANA@EXAMPLE.COM"):
            pass

    def test_accounts_are_counted_apart(self, limiter: RateLimiter) -> None:
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT):
            self.fail(limiter)
        self.fail(limiter, "bo@example.com")

    def test_the_budget_returns_after_the_window(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT):
            self.fail(limiter)
        clock.now += ACCOUNT_WINDOW_SECONDS - 1
        with pytest.raises(RateLimited) as caught, limiter.login_attempt("ana@example.com"):
            pass
        assert caught.value.retry_after == 1
        clock.now += 1
        self.fail(limiter)

    def test_a_custom_budget(self, clock: FakeMonotonic) -> None:
        limiter = RateLimiter(3, monotonic=clock, account_limit=1, account_window=5)
        self.fail(limiter)
        with pytest.raises(RateLimited) as caught, limiter.login_attempt("ana@example.com"):
            pass
        assert caught.value.retry_after == 5

    def test_account_key(self) -> None:
        assert account_key("  Ana@Example.COM\n") == "ana@example.com"
        assert account_key(" Not An Address ") == "not an address"
        assert len(account_key("x" * 10_000)) <= 320


class TestForgetting:
    def test_ended_windows_leave_on_every_hit(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        start = clock.now
        for second in range(10):
            clock.now = start + second
            limiter.hit("login", f"k{second}")
        clock.now = start + WINDOW_SECONDS + 5
        limiter.hit("login", "new")
        # k0..k5 ended (their windows started 60 s or more ago); k6..k9 and "new" remain.
        assert len(limiter) == 5
        for second in range(6, 10):
            spend(limiter, 2, client=f"k{second}")
            with pytest.raises(RateLimited):
                limiter.hit("login", f"k{second}")

    def test_a_key_whose_window_ended_starts_again_at_the_end(
        self, limiter: RateLimiter, clock: FakeMonotonic
    ) -> None:
        limiter.hit("login", "a")
        clock.now += 30
        limiter.hit("login", "b")
        clock.now += 31
        limiter.hit("login", "a")  # a new window for "a", after "b"'s
        clock.now += 30
        limiter.hit("login", "c")  # "b"'s window ended; "a"'s has 1 s to go
        assert len(limiter) == 2
        spend(limiter, 2, client="a")
        with pytest.raises(RateLimited):
            limiter.hit("login", "a")

    def test_all_ended_windows_leave(self, limiter: RateLimiter, clock: FakeMonotonic) -> None:
        for client in range(1_000):
            limiter.hit("login", str(client))
        clock.now += WINDOW_SECONDS
        limiter.hit("checkout", "x")
        limiter.hit("login", "x")
        assert len(limiter) == 2

    def test_the_table_is_bounded(self, clock: FakeMonotonic) -> None:
        limiter = RateLimiter(3, monotonic=clock, max_keys=100)
        for client in range(1_000):
            limiter.hit("login", str(client))
            assert len(limiter) <= 100
        # The newest windows are kept; the oldest were forgotten early.
        spend(limiter, 2, client="999")
        with pytest.raises(RateLimited):
            limiter.hit("login", "999")
        spend(limiter, 3, client="0")

    def test_scopes_are_bounded_apart(self, clock: FakeMonotonic) -> None:
        limiter = RateLimiter(1, monotonic=clock, max_keys=10)
        limiter.hit("login", "victim")
        for client in range(100):
            limiter.hit("checkout", str(client))
        with pytest.raises(RateLimited):
            limiter.hit("login", "victim")

    def test_a_full_table_stays_cheap(self, clock: FakeMonotonic) -> None:
        # A full table used to be rebuilt on every request (tens of ms each).
        limiter = RateLimiter(3, monotonic=clock)
        for client in range(MAX_KEYS):
            limiter.hit("checkout", str(client))
        started = time.perf_counter()
        for client in range(MAX_KEYS, MAX_KEYS + 500):
            limiter.hit("checkout", str(client))
        assert time.perf_counter() - started < 0.25
        assert len(limiter) == MAX_KEYS
