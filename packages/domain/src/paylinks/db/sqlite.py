"""SQLite through Piccolo with held connections: a few readers and one writer, opened once
and reused, writes queued in the process instead of on the file's lock.

Piccolo's own engine opens a connection (and a thread) for every query, and two writers
meet on SQLite's file lock, where the loser sleeps in SQLite's busy handler (1 ms, then
2, 5, 10 … up to 100 ms at a time) however soon the lock comes free: the long tail of a
busy embedded default. Here:

- each connection lives on a thread of its own (``HeldConnection``) for the engine's life,
  so a read costs one hand-over to that thread and back;
- writes (every transaction, every statement that is not a ``SELECT``, DDL) take the one
  writer connection through ``WriteLock``, a FIFO queue that any event loop of the process
  can wait on (the API's and the in-process jobs' loops share the engine); the waiters are
  woken in turn the moment the writer is free. A transaction's statements run inline,
  its COMMIT on the writer's thread (``Writer``);
- a ``SELECT`` outside a transaction runs on the least busy reader; with WAL a reader sees
  the last commit and never waits for the writer. Readers are ``query_only``: a write sent
  to one by mistake fails loudly instead of bypassing the queue;
- another process writing the same file (``paylinks worker`` beside ``paylinks api``) is
  still met on the file's lock: the busy timeout stays as the fallback between processes.

Connections are opened on first use and closed by ``close`` (the runtime's shutdown); a
connection whose transaction did not end cleanly is closed (which rolls it back) and the
next writer opens a fresh one.
"""

import asyncio
import contextlib
import logging
import queue
import re
import sqlite3
import threading
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString

from paylinks.db.transactions import ROLLBACK_TIMEOUT, GuardedSQLiteTransaction

log = logging.getLogger(__name__)

#: Reader connections per engine: enough for the reads of a 2-core server to overlap the
#: writer's work; more only add threads.
READERS = 2
#: What the writer connection sets ``synchronous`` to (see bench/README.md, "SQLite").
WRITER_SYNCHRONOUS = "FULL"

Rows = list[dict[str, Any]]
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def is_read(sql: str) -> bool:
    """Whether a statement only reads: a plain ``SELECT`` (a ``WITH`` may write)."""
    return _READ.match(sql) is not None


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


_STOP = object()


class HeldConnection:
    """One sqlite3 connection on a daemon thread of its own; ``run`` hands it a function
    and awaits the result on the caller's event loop, whichever that is."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        name: str,
        connection: sqlite3.Connection | None = None,
    ) -> None:
        self._connect = connect
        self._jobs: queue.SimpleQueue[tuple[asyncio.Future[Any] | None, Any]] = queue.SimpleQueue()
        self._connection = connection  # opened by the thread on first use if None
        self.busy = 0  # statements handed over and not yet answered
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            future, function = self._jobs.get()
            if function is _STOP:
                if self._connection is not None:
                    with contextlib.suppress(sqlite3.Error):
                        self._connection.close()  # rolls back a transaction left open
                self._answer(future, None, None)
                return
            result, error = None, None
            try:
                if self._connection is None:
                    self._connection = self._connect()
                result = function(self._connection)
            except BaseException as caught:  # handed to the caller
                error = caught
            self._answer(future, result, error)

    @staticmethod
    def _answer(
        future: asyncio.Future[Any] | None, result: Any, error: BaseException | None
    ) -> None:
        if future is None:
            return
        with contextlib.suppress(RuntimeError):  # the caller's loop has closed
            future.get_loop().call_soon_threadsafe(_resolve, future, result, error)

    async def run(self, function: Callable[[sqlite3.Connection], Any]) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.busy += 1
        try:
            self._jobs.put((future, function))
            return await future
        finally:
            self.busy -= 1

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> Rows:
        """The rows of one statement (the whole of them: nothing stays open)."""
        return await self.run(lambda connection: connection.execute(sql, args).fetchall())  # type: ignore[no-any-return]

    def stop(self) -> asyncio.Future[Any] | None:
        """Close the connection once the statements already handed over have run."""
        try:
            future: asyncio.Future[Any] | None = asyncio.get_running_loop().create_future()
        except RuntimeError:
            future = None
        self._jobs.put((future, _STOP))
        return future


def _is_busy(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY


def _waiting(timeout_ms: int, statement: Callable[[sqlite3.Connection], Any]) -> Any:
    """``statement`` with SQLite's busy timeout on (for another process's lock)."""

    def run(connection: sqlite3.Connection) -> Any:
        connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        try:
            return statement(connection)
        finally:
            connection.execute("PRAGMA busy_timeout = 0")

    return run


class Writer(HeldConnection):
    """The one writer connection, used only by the holder of the ``WriteLock``.

    A transaction's statements run inline, on the event loop of the task that holds the
    lock: a few tens of microseconds each, where a hand-over to a thread and back costs
    more, and much more on a loaded machine (every hand-over waits for the scheduler while
    the lock is held). What may wait runs on the connection's thread instead: COMMIT (the
    fsync, and now and then a WAL checkpoint), a BEGIN that meets another process's lock
    (SQLite's busy timeout, which sleeps), and a statement on its own. The busy timeout is
    0 otherwise, so nothing inline ever sleeps.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], busy_timeout: float) -> None:
        connection = connect()
        super().__init__(connect, "paylinks-sqlite-writer", connection)
        self.sqlite = connection
        self._busy_timeout_ms = int(busy_timeout * 1000)

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> Rows:
        """One statement of the lock holder's transaction, inline."""
        return self.sqlite.execute(sql, args).fetchall()

    async def begin(self, kind: str) -> None:
        try:
            self.sqlite.execute(f"BEGIN {kind}")
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            # Another process writes: wait for it on the thread, not on the event loop.
            await self.run(_waiting(self._busy_timeout_ms, lambda c: c.execute(f"BEGIN {kind}")))

    async def commit(self) -> None:
        await self.run(lambda connection: connection.execute("COMMIT"))

    async def execute_alone(self, sql: str, args: Sequence[Any] = ()) -> Rows:
        """A statement that is its own transaction, on the thread."""
        return await self.run(  # type: ignore[no-any-return]
            _waiting(self._busy_timeout_ms, lambda c: c.execute(sql, args).fetchall())
        )


class WriteLock:
    """A first-come, first-served lock that tasks on any event loop of the process can wait
    for, within ``timeout`` seconds or ``sqlite3.OperationalError`` ("database is locked",
    as SQLite's own busy timeout says it)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(future)
        try:
            async with asyncio.timeout(self.timeout):
                await future
        except BaseException as error:
            with self._mutex:
                granted = future not in self._waiters
                if not granted:
                    self._waiters.remove(future)
            if granted:  # handed over just as the wait ended: pass it on
                self.release()
            if isinstance(error, TimeoutError):
                raise sqlite3.OperationalError(
                    f"database is locked (no turn to write within {self.timeout:g} s)"
                ) from None
            raise

    def release(self) -> None:
        """Hand the lock to the longest waiter (it stays held), or free it."""
        with self._mutex:
            while self._waiters:
                future = self._waiters.popleft()
                try:
                    future.get_loop().call_soon_threadsafe(_resolve, future, None, None)
                    return
                except RuntimeError:  # that waiter's loop has closed
                    continue
            self._held = False


def _open(kwargs: dict[str, Any], writer: bool) -> sqlite3.Connection:
    if writer:  # used inline by the lock's holder and by its thread; never sleeps inline
        kwargs = {**kwargs, "check_same_thread": False, "timeout": 0}
    connection: sqlite3.Connection = sqlite3.connect(**kwargs)
    connection.row_factory = dict_factory
    connection.execute("PRAGMA foreign_keys = 1")
    if writer:
        connection.execute(f"PRAGMA synchronous = {WRITER_SYNCHRONOUS}")
    else:
        connection.execute("PRAGMA query_only = 1")
    return connection


def _stop_all(held: list[HeldConnection]) -> None:
    for connection in held:
        connection.stop()
    held.clear()


class HeldSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine on held connections (see the module's docstring)."""

    def __init__(self, path: str, *, lock_timeout: float = 30.0, readers: int = READERS) -> None:
        # ``timeout``: SQLite's busy timeout, for a lock held by another process.
        super().__init__(path=path, timeout=lock_timeout)
        self.readers = readers
        self.write_lock = WriteLock(lock_timeout)
        self._opening = threading.Lock()
        self._writer: Writer | None = None
        self._readers: list[HeldConnection] = []
        # Every connection opened and not yet stopped, closed if the engine is dropped
        # unclosed (their threads do not refer to the engine).
        self._held: list[HeldConnection] = []
        weakref.finalize(self, _stop_all, self._held)

    # ------------------------------------------------------------------ connections

    def _held_writer(self) -> Writer:
        with self._opening:
            if self._writer is None:
                self._writer = Writer(
                    partial(_open, self.connection_kwargs, True), self.write_lock.timeout
                )
                self._held.append(self._writer)
            return self._writer

    def _reader(self) -> HeldConnection:
        with self._opening:
            if len(self._readers) < self.readers:
                idle = [r for r in self._readers if not r.busy]
                if idle:
                    return idle[0]
                reader = HeldConnection(
                    partial(_open, self.connection_kwargs, False),
                    f"paylinks-sqlite-reader-{len(self._readers) + 1}",
                )
                self._readers.append(reader)
                self._held.append(reader)
                return reader
            return min(self._readers, key=lambda r: r.busy)

    async def acquire_writer(self) -> Writer:
        """The writer connection, once every writer before has given it back."""
        await self.write_lock.acquire()
        try:
            return self._held_writer()
        except BaseException:
            self.write_lock.release()
            raise

    async def give_back_writer(self, writer: Writer, reusable: bool) -> None:
        """Let the next writer in; a connection whose transaction did not end cleanly is
        closed first (which rolls it back) and replaced on the next write."""
        try:
            if not reusable or writer.sqlite.in_transaction:
                with self._opening:
                    if self._writer is writer:
                        self._writer = None
                    if writer in self._held:
                        self._held.remove(writer)
                stopped = writer.stop()
                if stopped is not None:  # its lock on the file gone before the next writer
                    await asyncio.wait([stopped], timeout=ROLLBACK_TIMEOUT)
        finally:
            self.write_lock.release()

    async def close(self, grace: float) -> None:
        """Close every held connection, waiting up to ``grace`` seconds for statements
        under way (a connection still busy after that is left to its daemon thread)."""
        with self._opening:
            held = list(self._held)
            self._writer, self._readers = None, []
            self._held.clear()
        stopping = [f for f in (c.stop() for c in held) if f is not None]
        if stopping:
            _, pending = await asyncio.wait(stopping, timeout=grace)
            if pending:
                log.warning("SQLite connections still busy after %.0f s: left open", grace)

    # ------------------------------------------------------------------ statements

    async def _execute(self, sql: str, args: Sequence[Any], *, read: bool) -> Rows:
        current = self.current_transaction.get()
        if current is not None:
            return await current.connection.execute(sql, args)  # type: ignore[no-any-return]
        if read:
            return await self._reader().execute(sql, args)
        writer = await self.acquire_writer()
        try:
            return await writer.execute_alone(sql, args)
        finally:
            # A statement on its own is its own transaction: it ended, either way.
            await self.give_back_writer(writer, reusable=True)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Rows:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=str(querystring))
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        response = await self._execute(sql, args, read=is_read(sql))
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Rows:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=ddl)
        response = await self._execute(ddl, (), read=False)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> GuardedSQLiteTransaction:
        """A transaction on the writer connection, whatever its type: it holds the writer
        from BEGIN to COMMIT, so no two of this process's transactions meet on the file."""
        return GuardedSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )
