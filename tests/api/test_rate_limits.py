"""Rate limits over HTTP: an IPv6 /64 is one client, an IPv4-mapped address is its IPv4,
and login attempts are limited per account whichever addresses they come from. The test
client calls from 127.0.0.1, a trusted proxy, so ``X-Forwarded-For`` names the client."""

from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest

from paylinks.settings import Settings
from paylinks_api.ratelimit import LOGIN_FAILURES_PER_ACCOUNT
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import PASSWORD, ApiClient

MISSING_LINK = "/v1/checkout/links/plink_" + "0" * 32


@pytest.fixture
async def strict(settings: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
    """The API with 2 requests a minute per client."""
    app = create_app(
        msgspec.structs.replace(settings, rate_limit_per_minute=2),
        clock=clock,
        auto_migrate=settings.is_sqlite,
        run_jobs=False,
    )
    async with serving(app) as client:
        yield ApiClient(client)


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def look(api: ApiClient, address: str) -> httpx.Response:
    return await api.client.get(MISSING_LINK, headers=from_address(address))


def assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


class TestAddresses:
    async def test_one_ipv6_64_shares_a_budget(self, strict: ApiClient) -> None:
        assert (await look(strict, "2001:db8:1:2::1")).status_code == 404
        assert (await look(strict, "2001:db8:1:2::2")).status_code == 404
        assert_limited(await look(strict, "2001:db8:1:2:abcd:ef01:2345:6789"))

    async def test_two_64s_have_two_budgets(self, strict: ApiClient) -> None:
        for _ in range(2):
            assert (await look(strict, "2001:db8:1:2::1")).status_code == 404
        assert_limited(await look(strict, "2001:db8:1:2::1"))
        assert (await look(strict, "2001:db8:1:3::1")).status_code == 404

    async def test_an_ipv4_mapped_address_is_its_ipv4(self, strict: ApiClient) -> None:
        assert (await look(strict, "203.0.113.9")).status_code == 404
        assert (await look(strict, "::ffff:203.0.113.9")).status_code == 404
        assert_limited(await look(strict, "203.0.113.9"))
        assert_limited(await look(strict, "::ffff:203.0.113.9"))
        assert (await look(strict, "203.0.113.10")).status_code == 404

    async def test_ipv4_addresses_are_counted_apart(self, strict: ApiClient) -> None:
        for _ in range(2):
            assert (await look(strict, "203.0.113.9")).status_code == 404
        assert (await look(strict, "203.0.113.10")).status_code == 404


class TestLoginPerAccount:
    async def attempt(
        self, api: ApiClient, email: str, password: str, attempt: int
    ) -> httpx.Response:
        """A login from an address of its own (a fresh IPv4 and /64 each time)."""
        address = f"198.51.{attempt // 250}.{attempt % 250 + 1}"
        return await api.client.post(
            "/v1/auth/login",
            json={"email": email, "password": password},
            headers=from_address(address),
        )

    async def test_failures_from_many_addresses_are_limited(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        for attempt in range(LOGIN_FAILURES_PER_ACCOUNT):
            response = await self.attempt(api, store.email, "a guess", attempt)
            assert response.status_code == 401, response.text

        guessed = await self.attempt(api, store.email, "another guess", 100)
        right = await self.attempt(api, f"  {store.email.upper()} ", PASSWORD, 101)

        assert_limited(guessed)
        assert_limited(right)
        assert "token" not in right.json()

    async def test_an_unknown_email_is_limited_alike(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        answers: dict[str, list[int]] = {}
        for email in (store.email, "nobody@example.com"):
            answers[email] = [
                (await self.attempt(api, email, "a guess", attempt)).status_code
                for attempt in range(LOGIN_FAILURES_PER_ACCOUNT + 2)
            ]
        known, unknown = answers.values()
        assert known == unknown == [401] * LOGIN_FAILURES_PER_ACCOUNT + [429] * 2

    async def test_the_429_says_nothing_of_the_account(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        bodies = []
        for email in (store.email, "nobody@example.com"):
            for attempt in range(LOGIN_FAILURES_PER_ACCOUNT):
                await self.attempt(api, email, "a guess", attempt)
            limited = await self.attempt(api, email, "a guess", 100)
            assert_limited(limited)
            # Only the seconds to wait may differ (the windows started at other moments),
            # and the request's own id.
            body = limited.json()
            assert body["retry_after"] == int(limited.headers["retry-after"])
            assert body["request_id"] == limited.headers["request-id"]
            own = ("detail", "retry_after", "request_id")
            bodies.append({k: v for k, v in body.items() if k not in own})
        assert bodies[0] == bodies[1]
        assert set(bodies[0]) == {"type", "title", "status", "code"}, bodies[0]

    async def test_successful_logins_use_no_budget(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        for attempt in range(LOGIN_FAILURES_PER_ACCOUNT - 1):
            assert (await self.attempt(api, store.email, "a guess", attempt)).status_code == 401
        for attempt in range(2 * LOGIN_FAILURES_PER_ACCOUNT):
            response = await self.attempt(api, store.email, PASSWORD, attempt)
            assert response.status_code == 200, response.text
        assert (await self.attempt(api, store.email, "a guess", 0)).status_code == 401
        assert_limited(await self.attempt(api, store.email, PASSWORD, 0))

    async def test_other_accounts_are_not_held_up(self, api: ApiClient) -> None:
        store, other = (
            await api.create_store(activate=False),
            await api.create_store(activate=False),
        )
        for attempt in range(LOGIN_FAILURES_PER_ACCOUNT + 1):
            await self.attempt(api, store.email, "a guess", attempt)
        response = await self.attempt(api, other.email, PASSWORD, 0)
        assert response.status_code == 200, response.text
