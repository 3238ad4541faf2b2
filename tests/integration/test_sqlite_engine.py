"""The embedded default's SQLite engine: held connections (a few readers, one writer),
writers queued in the process, readers that never wait for them, and every connection
closed at the end. Each test has a file of its own."""

import asyncio
import contextlib
import gc
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from piccolo.querystring import QueryString

from paylinks.db import engine as db
from paylinks.db import sql
from paylinks.db.errors import is_unavailable
from paylinks.db.sqlite import READERS, HeldSQLiteEngine, is_read
from tests.faults import bind_with_counter

LOCK_TIMEOUT = 2.0


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[HeldSQLiteEngine]:
    made = db.make_engine(f"sqlite:///{tmp_path / 'held.sqlite3'}", lock_timeout=LOCK_TIMEOUT)
    assert isinstance(made, HeldSQLiteEngine)
    await bind_with_counter(made)
    yield made
    await db.stop(made)


def sqlite_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("paylinks-sqlite-")}


async def count() -> int:
    rows = await sql.fetch("SELECT n FROM counter WHERE id = 1")
    return int(rows[0]["n"])


async def bump_read_then_write() -> None:
    """A read-then-write transaction: it loses updates unless writers take turns."""
    async with db.transaction():
        rows = await sql.fetch("SELECT n FROM counter WHERE id = 1")
        await asyncio.sleep(0)  # let the others run in between
        await sql.fetch("UPDATE counter SET n = {} WHERE id = 1", rows[0]["n"] + 1)


@contextlib.asynccontextmanager
async def writer_held(value: int | None = None) -> AsyncIterator[None]:
    """Another task in a transaction (having set the counter to ``value``, if given) until
    the block ends; then it commits."""
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.transaction():
            if value is not None:
                await sql.fetch("UPDATE counter SET n = {} WHERE id = 1", value)
            holding.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    try:
        yield
    finally:
        done.set()
        await holder


class TestWriters:
    async def test_concurrent_writers_take_turns_and_none_is_refused(
        self, engine: HeldSQLiteEngine
    ) -> None:
        await asyncio.gather(*(bump_read_then_write() for _ in range(100)))
        assert await count() == 100

    async def test_writers_on_another_event_loop_take_turns_with_this_one(
        self, engine: HeldSQLiteEngine
    ) -> None:
        """The in-process jobs run on an event loop of their own, on the same engine."""

        def other_loop() -> None:
            async def bumps() -> None:
                await asyncio.gather(*(bump_read_then_write() for _ in range(50)))

            asyncio.run(bumps())

        other = asyncio.to_thread(other_loop)
        await asyncio.gather(other, *(bump_read_then_write() for _ in range(50)))
        assert await count() == 100

    async def test_a_writer_past_its_turn_is_unavailable_and_the_next_one_writes(
        self, engine: HeldSQLiteEngine
    ) -> None:
        async with writer_held(1):
            began = time.monotonic()
            with pytest.raises(sqlite3.OperationalError) as caught:
                await bump_read_then_write()
            assert is_unavailable(caught.value)  # the API's 503
            assert LOCK_TIMEOUT <= time.monotonic() - began < LOCK_TIMEOUT + 1
        await bump_read_then_write()
        assert await count() == 2

    async def test_a_writer_cancelled_while_waiting_does_not_keep_the_turn(
        self, engine: HeldSQLiteEngine
    ) -> None:
        async with writer_held():
            waiting = [asyncio.create_task(bump_read_then_write()) for _ in range(3)]
            await asyncio.sleep(0.05)
            waiting[1].cancel()
        await asyncio.gather(waiting[0], waiting[2])
        assert waiting[1].cancelled()
        async with asyncio.timeout(1):
            await bump_read_then_write()
        assert await count() == 3

    async def test_a_failed_transaction_is_rolled_back_and_the_writer_serves_on(
        self, engine: HeldSQLiteEngine
    ) -> None:
        async def update_then_fail() -> None:
            async with db.transaction():
                await sql.fetch("UPDATE counter SET n = 41 WHERE id = 1")
                await sql.fetch("INSERT INTO counter VALUES (1, 0)")  # the same id

        with pytest.raises(sqlite3.IntegrityError):
            await update_then_fail()
        assert await count() == 0
        await bump_read_then_write()
        assert await count() == 1

    async def test_another_process_holding_the_file_is_waited_for(
        self, engine: HeldSQLiteEngine
    ) -> None:
        """Between processes SQLite's busy timeout is still the fallback."""
        other = sqlite3.connect(engine.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE counter SET n = 10 WHERE id = 1")
        releasing = asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        try:
            await bump_read_then_write()
        finally:
            releasing.cancel()
            other.close()
        assert await count() == 11


class TestReaders:
    async def test_reads_go_on_while_a_writer_holds_its_transaction(
        self, engine: HeldSQLiteEngine
    ) -> None:
        async with writer_held(99), asyncio.timeout(1):  # reads not behind the writer
            assert await count() == 0  # the last commit, not the writer's work under way
        assert await count() == 99  # the commit is seen at once

    async def test_a_write_sent_to_a_reader_is_refused(self, engine: HeldSQLiteEngine) -> None:
        reader = engine._reader()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await reader.execute("UPDATE counter SET n = 5 WHERE id = 1")
        assert await count() == 0

    @pytest.mark.parametrize(
        ("statement", "reads"),
        [
            ("SELECT n FROM counter", True),
            ("  select count(*) from counter", True),
            ("UPDATE counter SET n = 1 RETURNING n", False),
            ("INSERT INTO counter VALUES (2, 0)", False),
            ("WITH x AS (SELECT 1) UPDATE counter SET n = 1", False),
            ("SELECTED", False),
        ],
    )
    def test_only_a_plain_select_is_a_read(self, statement: str, reads: bool) -> None:
        assert is_read(statement) is reads


class TestHeldConnections:
    async def test_statements_reuse_a_few_connections_and_stop_closes_them(
        self, tmp_path: Path
    ) -> None:
        before = sqlite_threads()
        made = db.make_engine(f"sqlite:///{tmp_path / 'few.sqlite3'}")
        await bind_with_counter(made)
        await asyncio.gather(*(count() for _ in range(200)), *(bump() for _ in range(50)))
        opened = sqlite_threads() - before
        assert 1 <= len(opened) <= READERS + 1
        await db.stop(made)
        for thread in opened:
            thread.join(timeout=2)
        assert not any(t.is_alive() for t in opened)

    async def test_an_engine_dropped_without_stop_closes_its_connections(
        self, tmp_path: Path
    ) -> None:
        before = sqlite_threads()
        made = db.make_engine(f"sqlite:///{tmp_path / 'dropped.sqlite3'}")
        await made.run_querystring(QueryString("CREATE TABLE t (id integer PRIMARY KEY)"))
        await made.run_querystring(QueryString("SELECT * FROM t"))
        opened = sqlite_threads() - before
        assert len(opened) == 2  # the writer and a reader
        del made
        gc.collect()
        for thread in opened:
            thread.join(timeout=2)
        assert not any(t.is_alive() for t in opened)


async def bump() -> None:
    async with db.transaction():
        await sql.fetch("UPDATE counter SET n = n + 1 WHERE id = 1")


@pytest.fixture(autouse=True)
def no_lingering_transaction() -> Iterator[None]:
    yield
    engine = db._bound
    if isinstance(engine, HeldSQLiteEngine):
        assert engine.current_transaction.get() is None
