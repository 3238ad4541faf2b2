"""Health for load balancers (SPEC §10): live says the process answers, ready that the
database (and Redis, when configured) answer; a database that is down is a 503 with
``Retry-After`` on every route, fast, and the API serves again by itself once it is back."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from paylinks.settings import Settings, load_settings
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import ApiClient, StoreClient
from tests.faults import FaultyDatabase, faulty_database

LINK = {"title": "Espresso beans", "amount": 1450}


def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestLive:
    async def test_answers_without_asking_anything(self, api: ApiClient) -> None:
        response = await api.client.get("/health/live")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {}}


class TestReady:
    async def test_the_database_answers(self, api: ApiClient) -> None:
        response = await api.client.get("/health/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
        assert response.headers["cache-control"] == "no-store"

    async def test_health_is_ready(self, api: ApiClient) -> None:
        response = await api.client.get("/health")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok"}

    async def test_a_broker_that_does_not_answer_is_named(
        self, settings: Settings, clock: FrozenClock
    ) -> None:
        dead_redis = f"redis://127.0.0.1:{unused_port()}/0"
        app = create_app(
            msgspec.structs.replace(settings, broker_url=dead_redis),
            clock=clock,
            auto_migrate=settings.is_sqlite,
            run_jobs=False,
        )
        async with serving(app) as client:
            response = await client.get("/health/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["redis"].startswith("failed")
        assert dead_redis not in response.text

    async def test_documented_in_openapi(self, api: ApiClient) -> None:
        schema = (await api.client.get("/docs/openapi.json")).json()
        for path in ("/health/live", "/health/ready", "/health"):
            assert "get" in schema["paths"][path]
        assert "503" in schema["paths"]["/health/ready"]["get"]["responses"]


# --- PostgreSQL that goes away ----------------------------------------------------------------


@pytest.fixture
def database() -> Iterator[FaultyDatabase]:
    with faulty_database() as made:
        yield made


@pytest.fixture
async def outage_api(database: FaultyDatabase, tmp_path: Path) -> AsyncIterator[ApiClient]:
    """The API alone (its own pool, jobs elsewhere) on a database of this test's own."""
    settings = load_settings(
        {
            "PAYLINKS_DATA_DIR": str(tmp_path / "data"),
            "PAYLINKS_DATABASE_URL": database.url,
            "PAYLINKS_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "1000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "1000",
            "PAYLINKS_DB_POOL_SIZE": "4",
            "PAYLINKS_DB_POOL_TIMEOUT": "2",
        },
        env_file=None,
    )
    app = create_app(settings, auto_migrate=True, run_jobs=False)
    async with serving(app) as client:
        yield ApiClient(client)


async def list_links(store: StoreClient) -> httpx.Response:
    return await store.get("/v1/payment-links")


class TestDatabaseDown:
    async def test_every_route_answers_503_fast_and_recovers_by_itself(
        self, outage_api: ApiClient, database: FaultyDatabase
    ) -> None:
        store = await outage_api.create_store()
        assert (await list_links(store)).status_code == 200

        await asyncio.to_thread(database.go_down)
        started = time.monotonic()
        read = await list_links(store)
        created = await store.post(
            "/v1/payment-links", json=LINK, headers={"Idempotency-Key": "order-9"}
        )
        public = await outage_api.client.get("/v1/checkout/links/plink_0" + "0" * 31)
        ready = await outage_api.client.get("/health/ready")
        assert time.monotonic() - started < 10

        for response in (read, created, public):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "database_unavailable"
            assert int(response.headers["retry-after"]) >= 1
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"].startswith("failed")
        assert database.url not in ready.text

        await asyncio.to_thread(database.come_back)
        deadline = time.monotonic() + 20
        while (await list_links(store)).status_code != 200:
            assert time.monotonic() < deadline, "the API did not serve again within 20 s"
            await asyncio.sleep(0.2)
        assert (await outage_api.client.get("/health/ready")).status_code == 200
        retried = await store.post(
            "/v1/payment-links", json=LINK, headers={"Idempotency-Key": "order-9"}
        )
        assert retried.status_code == 201, retried.text  # the key did not stick

    async def test_killed_connections_are_replaced(
        self, outage_api: ApiClient, database: FaultyDatabase
    ) -> None:
        store = await outage_api.create_store()
        for _ in range(5):
            await asyncio.to_thread(database.terminate_backends)
            response = await list_links(store)
            assert response.status_code in (200, 503), response.text
        deadline = time.monotonic() + 5
        while (await list_links(store)).status_code != 200:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)


# --- SQLite held by another writer --------------------------------------------------------


@pytest.fixture
async def sqlite_api(tmp_path: Path) -> AsyncIterator[tuple[ApiClient, Path]]:
    path = tmp_path / "paylinks.sqlite3"
    settings = load_settings(
        {
            "PAYLINKS_DATA_DIR": str(tmp_path / "data"),
            "PAYLINKS_DATABASE_URL": f"sqlite:///{path}",
            "PAYLINKS_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "1000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "1000",
            "PAYLINKS_DB_LOCK_TIMEOUT": "1",
        },
        env_file=None,
    )
    app = create_app(settings, auto_migrate=True, run_jobs=False)
    async with serving(app) as client:
        yield ApiClient(client), path


class TestSQLiteLocked:
    async def test_a_write_that_cannot_get_the_lock_is_a_503(
        self, sqlite_api: tuple[ApiClient, Path]
    ) -> None:
        api, path = sqlite_api
        store = await api.create_store()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            response = await store.post("/v1/payment-links", json=LINK)
        finally:
            other.execute("ROLLBACK")
            other.close()

        assert response.status_code == 503, response.text
        assert response.json()["code"] == "database_unavailable"
        assert "retry-after" in response.headers
        assert (await store.post("/v1/payment-links", json=LINK)).status_code == 201
