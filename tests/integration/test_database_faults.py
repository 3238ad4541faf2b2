"""The connection pool and transactions against a database that misbehaves (SPEC §10):
every connection goes back to the pool or is discarded whatever failed, no transaction
context outlives its use, a database that is down is a quick ``DatabaseUnavailable``, and
the pool serves again by itself once it is back. Each test has a PostgreSQL database of
its own (``tests.faults``); the SQLite cases use a file of their own."""

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.base import Engine

from paylinks.db import engine as db
from paylinks.db import sql
from paylinks.db.errors import DatabaseUnavailable, is_unavailable
from paylinks.db.postgres import PoolEngine
from paylinks.db.transactions import GuardedSQLiteTransaction
from tests.faults import FaultyDatabase, bind_with_counter, faulty_database

POOL_SIZE = 4


@pytest.fixture
def database() -> Iterator[FaultyDatabase]:
    with faulty_database() as made:
        yield made


@pytest.fixture
async def engine(database: FaultyDatabase) -> AsyncIterator[PoolEngine]:
    made = db.make_engine(database.url, pool_size=POOL_SIZE, acquire_timeout=1)
    assert isinstance(made, PoolEngine)
    await bind_with_counter(made)
    try:
        yield made
    finally:
        await db.stop(made, grace=5)


def all_back(engine: PoolEngine) -> bool:
    """Every connection the pool opened is free again (none lost in use)."""
    assert engine.pool is not None
    return engine.pool.get_idle_size() == engine.pool.get_size()


async def bump() -> None:
    async with db.transaction():
        await sql.fetch("UPDATE counter SET n = n + 1 WHERE id = 1")


async def count() -> int:
    rows = await sql.fetch("SELECT n FROM counter WHERE id = 1")
    return int(rows[0]["n"])


class TestKilledMidTransaction:
    async def test_a_backend_killed_inside_gives_the_connection_back(
        self, engine: PoolEngine, database: FaultyDatabase
    ) -> None:
        async def killed_between_two_updates() -> None:
            async with db.transaction():
                await sql.fetch("UPDATE counter SET n = n + 1 WHERE id = 1")
                database.terminate_backends()
                await sql.fetch("UPDATE counter SET n = n + 1 WHERE id = 1")

        with pytest.raises(Exception) as caught:
            await killed_between_two_updates()
        assert is_unavailable(caught.value)
        assert engine.current_transaction.get() is None
        assert all_back(engine)
        assert await count() == 0  # the transaction's work was lost, not half-kept
        await bump()
        assert await count() == 1

    async def test_a_failed_commit_gives_the_connection_back(
        self, engine: PoolEngine, database: FaultyDatabase
    ) -> None:
        async def killed_before_commit() -> None:
            async with db.transaction():
                await sql.fetch("UPDATE counter SET n = n + 1 WHERE id = 1")
                database.terminate_backends()
                await asyncio.sleep(0.2)  # the driver notices the closed socket

        with pytest.raises(Exception) as caught:
            await killed_before_commit()
        assert is_unavailable(caught.value)
        assert engine.current_transaction.get() is None
        assert all_back(engine)
        await bump()
        assert await count() == 1

    async def test_a_cancelled_request_gives_the_connection_back(self, engine: PoolEngine) -> None:
        async def slow() -> None:
            async with db.transaction():
                await sql.fetch("SELECT pg_sleep(10)")

        task = asyncio.create_task(slow())
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert engine.current_transaction.get() is None
        assert all_back(engine)
        await bump()
        assert await count() == 1

    async def test_a_failover_under_load_leaves_a_full_pool(
        self, engine: PoolEngine, database: FaultyDatabase
    ) -> None:
        """Twenty-five rounds of every backend killed while twelve workers use the pool
        (the rounds that once emptied a pool of ten for good)."""
        stop = asyncio.Event()
        done = {"ok": 0, "unavailable": 0}
        other_errors: list[BaseException] = []

        async def customer() -> None:
            while not stop.is_set():
                try:
                    await bump()
                    done["ok"] += 1
                except Exception as error:
                    bucket = "unavailable" if is_unavailable(error) else "other"
                    if bucket == "other":
                        other_errors.append(error)
                    done[bucket] = done.get(bucket, 0) + 1
                    await asyncio.sleep(0.01)

        workers = [asyncio.create_task(customer()) for _ in range(12)]
        for _ in range(25):
            await asyncio.sleep(0.1)
            await asyncio.to_thread(database.terminate_backends)
        stop.set()
        await asyncio.gather(*workers)

        assert other_errors == []
        assert done["unavailable"] > 0, "the faults never hit a transaction"
        assert all_back(engine)
        started = time.monotonic()
        await bump()
        assert time.monotonic() - started < 5
        assert await count() == done["ok"] + 1
        assert engine.pool is not None
        assert engine.pool.get_size() <= POOL_SIZE


class TestUnreachable:
    async def test_a_database_that_refuses_connections_is_unavailable_fast(
        self, engine: PoolEngine, database: FaultyDatabase
    ) -> None:
        database.go_down()
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            await bump()
        assert is_unavailable(caught.value)
        assert time.monotonic() - started < 5
        with pytest.raises(Exception) as caught:
            await db.ping()
        assert is_unavailable(caught.value)
        assert all_back(engine)

        database.come_back()
        await bump()
        assert await count() == 1

    async def test_a_pool_with_nothing_free_answers_within_its_timeout(
        self, engine: PoolEngine
    ) -> None:
        holding = asyncio.Semaphore(0)
        release = asyncio.Event()

        async def hold() -> None:
            async with db.transaction():
                await sql.fetch("SELECT 1")
                holding.release()
                await release.wait()

        holders = [asyncio.create_task(hold()) for _ in range(POOL_SIZE)]
        for _ in holders:
            await holding.acquire()
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            await bump()
        assert 0.9 < time.monotonic() - started < 3
        release.set()
        await asyncio.gather(*holders)
        assert all_back(engine)


class TestShutdown:
    async def test_closing_the_pool_cuts_connections_still_in_use(
        self, database: FaultyDatabase
    ) -> None:
        engine = db.make_engine(database.url, pool_size=2, acquire_timeout=1)
        db.bind(engine)
        await db.start(engine)
        started = asyncio.Event()

        async def stuck() -> None:
            async with db.transaction():
                started.set()
                await sql.fetch("SELECT pg_sleep(30)")

        task = asyncio.create_task(stuck())
        await started.wait()
        await asyncio.sleep(0.2)
        begun = time.monotonic()
        await db.stop(engine, grace=1)
        assert time.monotonic() - begun < 5
        with pytest.raises(Exception):  # noqa: B017 - its connection was cut, whatever the kind
            await task


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[Engine[Any]]:
    made = db.make_engine(f"sqlite:///{tmp_path / 'faults.sqlite3'}", lock_timeout=0.5)
    await bind_with_counter(made)
    yield made
    await db.stop(made)


@pytest.fixture
def locked(sqlite_engine: Engine[Any]) -> Iterator[None]:
    """Another process's writer holding the file's lock."""
    other = sqlite3.connect(sqlite_engine.path, isolation_level=None)  # type: ignore[attr-defined]
    other.execute("BEGIN EXCLUSIVE")
    yield
    other.execute("ROLLBACK")
    other.close()


class TestSQLiteLocked:
    async def test_a_lock_held_too_long_is_unavailable_and_leaks_nothing(
        self, sqlite_engine: Engine[Any], locked: None
    ) -> None:
        threads = threading.active_count()
        for _ in range(3):
            with pytest.raises(sqlite3.OperationalError) as caught:
                await bump()
            assert is_unavailable(caught.value)
        assert sqlite_engine.current_transaction.get() is None
        await asyncio.sleep(0.1)
        assert threading.active_count() <= threads  # each connection's thread ended

    async def test_a_failed_commit_closes_its_connection(
        self, sqlite_engine: Engine[Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        closed: list[bool] = []
        original = GuardedSQLiteTransaction._give_back

        async def give_back(self: GuardedSQLiteTransaction, reusable: bool) -> None:
            closed.append(reusable)
            await original(self, reusable)

        async def commit(self: GuardedSQLiteTransaction) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(GuardedSQLiteTransaction, "_give_back", give_back)
        monkeypatch.setattr(GuardedSQLiteTransaction, "commit", commit)
        with pytest.raises(sqlite3.OperationalError):
            await bump()
        assert closed == [False]
        assert sqlite_engine.current_transaction.get() is None
        monkeypatch.undo()
        await bump()
        assert await count() == 1


class TestPoolStartingMeanwhile:
    async def test_a_connection_from_before_the_pool_is_closed_not_released(
        self, database: FaultyDatabase
    ) -> None:
        """A worker's first jobs run on plain connections until its pool opens; one such
        job finishing after the pool opened gives its connection back without error."""
        engine = db.make_engine(database.url, pool_size=2, acquire_timeout=1)
        assert isinstance(engine, PoolEngine)
        db.bind(engine)
        await db.start(engine)
        await db.stop(engine)
        inside = asyncio.Event()
        finish = asyncio.Event()

        async def job() -> None:
            async with db.transaction():
                await sql.fetch("SELECT 1")
                inside.set()
                await finish.wait()

        task = asyncio.create_task(job())
        await inside.wait()
        await db.start(engine)
        finish.set()
        await task
        assert all_back(engine)
        assert (await sql.fetch("SELECT 1 AS one"))[0]["one"] == 1
        await db.stop(engine)
