"""Rate limits over HTTP: an IPv6 /64 is one client, an IPv4-mapped address is its IPv4,
failed logins are limited per account and address pair, so that strangers cannot lock an
owner out; the counts live in Redis when one is configured, and a Redis that is down lets
requests through. The test
client calls from 127.0.0.1, a trusted proxy, so ``X-Forwarded-For`` names the client."""

import logging
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest
from redis.asyncio import Redis

from paylinks.settings import Settings
from paylinks_api.ratelimit import LOGIN_FAILURES_PER_PAIR
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import PASSWORD, ApiClient

MISSING_LINK = "/v1/checkout/links/plink_" + "0" * 32


@pytest.fixture
def strict_settings(settings: Settings) -> Settings:
    """2 requests a minute per client, the database migrated."""
    return msgspec.structs.replace(settings, rate_limit_per_minute=2)


@pytest.fixture
async def strict(strict_settings: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
    """The API with 2 requests a minute per client."""
    app = create_app(
        strict_settings, clock=clock, auto_migrate=strict_settings.is_sqlite, run_jobs=False
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


class TestHeaders:
    async def test_a_limited_answer_says_where_the_client_stands(self, strict: ApiClient) -> None:
        first = await look(strict, "203.0.113.9")
        assert first.headers["ratelimit-policy"] == '"checkout";q=2;w=60'
        assert re.fullmatch(r'"checkout";r=1;t=(\d+)', first.headers["ratelimit"])
        await look(strict, "203.0.113.9")
        limited = await look(strict, "203.0.113.9")
        assert_limited(limited)
        assert limited.headers["ratelimit-policy"] == '"checkout";q=2;w=60'
        seconds = re.fullmatch(r'"checkout";r=0;t=(\d+)', limited.headers["ratelimit"])
        assert seconds is not None
        assert 1 <= int(seconds[1]) <= 60
        assert int(seconds[1]) == int(limited.headers["retry-after"])

    async def test_answers_that_are_not_limited_have_none(self, strict: ApiClient) -> None:
        response = await strict.client.get("/health/live")
        assert "ratelimit" not in response.headers

    async def test_the_openapi_document_declares_them(self, api: ApiClient) -> None:
        document = (await api.client.get("/docs/openapi.json")).json()
        limited = document["components"]["responses"]["RateLimited"]["headers"]
        assert {"Retry-After", "RateLimit-Policy", "RateLimit"} <= set(limited)
        start = document["paths"]["/v1/checkout/links/{link_id}/payments"]["post"]
        assert start["responses"]["429"] == {"$ref": "#/components/responses/RateLimited"}
        assert {"RateLimit-Policy", "RateLimit"} <= set(start["responses"]["201"]["headers"])
        stores = document["paths"]["/v1/store"]["get"]["responses"]
        assert "429" not in stores
        assert "RateLimit" not in stores["200"].get("headers", {})

    async def test_a_shops_front_end_may_read_them(self, settings: Settings) -> None:
        shop = "https://shop.example"
        open_to_shop = msgspec.structs.replace(settings, cors_origins=shop)
        app = create_app(open_to_shop, auto_migrate=settings.is_sqlite, run_jobs=False)
        async with serving(app) as client:
            response = await client.get(MISSING_LINK, headers={"Origin": shop})
        exposed = response.headers["access-control-expose-headers"].split(", ")
        assert {"retry-after", "ratelimit", "ratelimit-policy"} <= set(exposed)


def attempt(api: ApiClient, email: str, password: str, address: str) -> Any:
    return api.client.post(
        "/v1/auth/login", json={"email": email, "password": password}, headers=from_address(address)
    )


class TestLoginPerPair:
    async def test_strangers_cannot_lock_the_owner_out(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        for stranger in range(10):
            for _ in range(LOGIN_FAILURES_PER_PAIR):
                address = f"198.51.100.{stranger + 1}"
                response = await attempt(api, store.email, "a guess", address)
                assert response.status_code == 401, response.text
            assert_limited(await attempt(api, store.email, "a guess", address))
        owner = await attempt(api, f"  {store.email.upper()} ", PASSWORD, "203.0.113.9")
        assert owner.status_code == 200, owner.text
        assert owner.json()["token"].startswith("sess_")

    async def test_a_pairs_failures_are_refused(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        for _ in range(LOGIN_FAILURES_PER_PAIR):
            response = await attempt(api, store.email, "a guess", "198.51.100.1")
            assert response.status_code == 401, response.text
        guessed = await attempt(api, store.email, "another guess", "198.51.100.1")
        right = await attempt(api, store.email, PASSWORD, "198.51.100.1")
        assert_limited(guessed)
        assert_limited(right)
        assert "token" not in right.json()
        assert '"login";q=5;w=900' in right.headers["ratelimit-policy"]
        assert int(right.headers["retry-after"]) > 60

    async def test_an_unknown_email_is_limited_alike(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        answers: dict[str, list[int]] = {}
        for email in (store.email, "nobody@example.com"):
            answers[email] = [
                (await attempt(api, email, "a guess", "198.51.100.1")).status_code
                for _ in range(LOGIN_FAILURES_PER_PAIR + 2)
            ]
        known, unknown = answers.values()
        assert known == unknown == [401] * LOGIN_FAILURES_PER_PAIR + [429] * 2

    async def test_the_429_says_nothing_of_the_account(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        bodies = []
        for email in (store.email, "nobody@example.com"):
            for _ in range(LOGIN_FAILURES_PER_PAIR):
                await attempt(api, email, "a guess", "198.51.100.1")
            limited = await attempt(api, email, "a guess", "198.51.100.1")
            assert_limited(limited)
            # Only the seconds to wait may differ, and the request's own id.
            body = limited.json()
            assert body["retry_after"] == int(limited.headers["retry-after"])
            assert body["request_id"] == limited.headers["request-id"]
            own = ("detail", "retry_after", "request_id")
            bodies.append({k: v for k, v in body.items() if k not in own})
        assert bodies[0] == bodies[1]
        assert set(bodies[0]) == {"type", "title", "status", "code"}, bodies[0]

    async def test_a_success_starts_the_pair_afresh(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        for _ in range(LOGIN_FAILURES_PER_PAIR - 1):
            assert (await attempt(api, store.email, "a guess", "198.51.100.1")).status_code == 401
        assert (await attempt(api, store.email, PASSWORD, "198.51.100.1")).status_code == 200
        for _ in range(LOGIN_FAILURES_PER_PAIR):
            assert (await attempt(api, store.email, "a guess", "198.51.100.1")).status_code == 401
        assert_limited(await attempt(api, store.email, PASSWORD, "198.51.100.1"))

    async def test_other_accounts_from_the_address_are_not_held_up(self, api: ApiClient) -> None:
        store, other = (
            await api.create_store(activate=False),
            await api.create_store(activate=False),
        )
        for _ in range(LOGIN_FAILURES_PER_PAIR + 1):
            await attempt(api, store.email, "a guess", "198.51.100.1")
        response = await attempt(api, other.email, PASSWORD, "198.51.100.1")
        assert response.status_code == 200, response.text


class TestRedis:
    async def test_two_apps_share_one_budget(self, strict_settings: Settings) -> None:
        url = f"{REDIS_SERVER}/{REDIS_DB}"
        await _flush(url)
        shared = msgspec.structs.replace(strict_settings, redis_url=url)
        first = create_app(shared, auto_migrate=shared.is_sqlite, run_jobs=False)
        second = create_app(shared, auto_migrate=False, run_jobs=False)
        async with serving(first) as one, serving(second) as two:
            answers = [
                (await client.get(MISSING_LINK, headers=from_address("203.0.113.9"))).status_code
                for client in (one, two, one)
            ]
        await _flush(url)
        assert answers == [404, 404, 429]

    async def test_a_redis_that_is_down_lets_requests_through(
        self, strict_settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        down = msgspec.structs.replace(strict_settings, redis_url="redis://127.0.0.1:1/0")
        app = create_app(down, auto_migrate=down.is_sqlite, run_jobs=False)
        with caplog.at_level(logging.WARNING, "paylinks.api.ratelimit"):
            async with serving(app) as client:
                store = ApiClient(client)
                looks = [(await look(store, "203.0.113.9")).status_code for _ in range(4)]
                login = await attempt(store, "nobody@example.com", "a guess", "203.0.113.9")
        assert looks == [404] * 4
        assert login.status_code == 401, login.text
        assert "ratelimit" not in login.headers
        assert any("not counted" in r.getMessage() for r in caplog.records)


REDIS_SERVER = os.environ.get("PAYLINKS_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
REDIS_DB = int(os.environ.get("PAYLINKS_TEST_REDIS_DB", "7"))


async def _flush(url: str) -> None:
    client = Redis.from_url(url)
    try:
        await client.flushdb()
    except OSError:
        pytest.skip(f"Redis is not reachable at {url}")
    finally:
        await client.aclose()
