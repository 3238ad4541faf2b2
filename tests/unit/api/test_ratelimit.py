"""The fixed-window rate limiter, on an injected monotonic clock."""

import pytest

from paylinks_api.ratelimit import WINDOW_SECONDS, RateLimited, RateLimiter


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
