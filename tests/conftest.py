"""Shared fixtures: settings on a fresh database (SQLite and PostgreSQL), a controllable
clock, and an API client with factories for stores and links."""

import asyncio
import concurrent.futures
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar

from paylinks.settings import Settings, load_settings
from paylinks_cli.compose import create_app
from tests.factories import ApiClient
from tests.fakes.receiver import Receiver

POSTGRES_ADMIN_URL = os.environ.get(
    "PAYLINKS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class FrozenClock:
    """Now is what the test says it is; ``advance`` moves it on."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> None:
    """Argon2 at its cheapest: tests sign up hundreds of stores; the hashing itself is
    covered by the unit tests with the real parameters."""
    from argon2 import PasswordHasher

    from paylinks import secrets

    secrets._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (``Receiver``)."""
    with Receiver().running() as running:
        yield running


async def _postgres_reachable() -> bool:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


def _run(coroutine: Any) -> Any:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A database of its own for this test session, dropped at the end."""
    if not _run(_postgres_reachable()):
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip("PostgreSQL is not reachable (CI runs it)")
    name = f"paylinks_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    _run(admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    _run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_migrated: set[str] = set()


async def _reset_postgres(url: str) -> None:
    """Migrate once per session; empty every table before each test."""
    from paylinks.db import engine as db
    from paylinks.db.migrate import migrate
    from paylinks.db.registry import TABLES

    if url not in _migrated:
        engine = db.make_engine(url)
        db.bind(engine)
        await migrate()
        _migrated.add(url)
    connection = await asyncpg.connect(url)
    try:
        names = ", ".join(table._meta.tablename for table in TABLES)
        await connection.execute(f"TRUNCATE {names}")
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings on an empty, migrated database of the parametrised backend."""
    if backend == "postgres":
        url = request.getfixturevalue("postgres_server_url")
        await _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'paylinks.sqlite3'}"
    return load_settings(
        {
            "PAYLINKS_DATA_DIR": str(tmp_path / "data"),
            "PAYLINKS_DATABASE_URL": url,
            "PAYLINKS_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "PAYLINKS_API_URL": "http://api.test",
            "PAYLINKS_CHECKOUT_URL": "http://checkout.test",
            "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "1000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "1000",
        },
        env_file=None,
    )


@pytest.fixture
async def api(settings: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
    # The app runs on the test's own event loop (Litestar's AsyncTestClient would run it on
    # another thread's loop, and a database pool must never be shared between loops).
    app = create_app(settings, clock=clock, auto_migrate=settings.is_sqlite, run_jobs=False)
    async with serving(app) as client:
        yield ApiClient(client)


@pytest.fixture
async def api_with_jobs(settings: Settings) -> AsyncIterator[ApiClient]:
    """The API with its background jobs running in-process, as on the embedded default."""
    app = create_app(settings, run_jobs=True)
    async with serving(app) as client:
        yield ApiClient(client)


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app running on this loop, and an HTTP client that calls it in-process from
    127.0.0.1 (the rate limiter and the idempotency scope see a real address)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url="http://api.test") as client,
    ):
        yield client


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """The app's lifespan, entered and left in one task of its own (anyio's cancel scopes
    must be, and pytest-asyncio may tear a fixture down in another task)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    try:
        yield
    finally:
        stop.set()
        await task
