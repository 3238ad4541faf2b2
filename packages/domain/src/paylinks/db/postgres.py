"""PostgreSQL through Piccolo, for a database that drops connections, refuses them or is
slow to hand one out.

Every connection comes from the pool within ``acquire_timeout`` seconds, or the caller gets
``DatabaseUnavailable`` (the API's 503) instead of waiting without end; new connections
are given up on after the same time. A connection goes back to the pool after use, or is
discarded when its state is unknown (a lost server, a cancelled query), so the pool heals
by reconnecting on the next acquire. Closing the pool waits a bounded time for
connections in use, then terminates them.
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from piccolo.engine.postgres import PostgresEngine

from paylinks.db.errors import DatabaseUnavailable
from paylinks.db.transactions import GuardedPostgresTransaction

log = logging.getLogger(__name__)


async def _keep_session(connection: Any) -> None:
    """What the pool does to a connection given back, besides rolling back a transaction
    left open (asyncpg always does that): nothing. Its default reset (``RESET ALL``,
    ``UNLISTEN *``, advisory unlocks, ``CLOSE ALL``) is a round trip on every release, and
    this code changes no session state: no ``SET``, ``LISTEN``, advisory locks or cursors
    held past a transaction."""


class PoolEngine(PostgresEngine):
    """Piccolo's engine with a bounded, self-healing asyncpg pool of ``pool_size``."""

    def __init__(self, dsn: str, *, pool_size: int = 10, acquire_timeout: float = 5.0) -> None:
        # ``timeout`` is asyncpg's limit on opening a connection.
        super().__init__(config={"dsn": dsn, "timeout": acquire_timeout}, log_queries=False)
        self.pool_size = pool_size
        self.acquire_timeout = acquire_timeout

    async def start_pool(self) -> None:
        # No connection is opened up front (init_size 0): a process starts while the
        # database is down, and serves once it is back.
        await self.start_connection_pool(
            min_size=0,
            init_size=0,
            max_size=self.pool_size,
            reset=_keep_session,
        )

    async def close_pool(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for connections in use, then terminate them all."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), grace)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.warning("Database connections still in use after %.0f s: terminated", grace)
            pool.terminate()

    async def acquire(self) -> Any:
        """A connection: the pool's within ``acquire_timeout`` seconds, or a new one when no
        pool runs; ``DatabaseUnavailable`` when neither comes in time."""
        try:
            if self.pool is None:
                return await self.get_new_connection()
            # asyncio.timeout rather than acquire's own timeout, which wraps every acquire
            # in a task of its own (wait_for): a measurable cost on every query.
            async with asyncio.timeout(self.acquire_timeout):
                return await self.pool.acquire()
        except TimeoutError:
            raise DatabaseUnavailable(
                f"No database connection came free within {self.acquire_timeout:g} s: "
                "retry shortly."
            ) from None

    async def give_back(self, connection: Any, reusable: bool) -> None:
        """Return ``connection`` to its pool, or close it; one whose state is not known to
        be clean is terminated (the pool replaces it on a later acquire). A connection
        opened before the pool started (a worker's first jobs) is closed, and one whose
        pool has closed meanwhile is cut."""
        if not reusable and not connection.is_closed():
            connection.terminate()
        if not isinstance(connection, PoolConnectionProxy):
            if not connection.is_closed():
                await connection.close()
            return
        if self.pool is not None:
            with contextlib.suppress(asyncpg.InterfaceError):  # not from this pool
                await self.pool.release(connection)
                return
        connection.terminate()

    async def fetch(self, query: str, args: Sequence[Any] = ()) -> Any:
        """One statement on a connection of its own (from the pool)."""
        connection = await self.acquire()
        reusable = False
        try:
            rows = await connection.fetch(query, *args)
            reusable = True
            return rows
        except asyncpg.PostgresError:
            # The server answered with an error: the connection is in a known state.
            reusable = not connection.is_closed()
            raise
        finally:
            await self.give_back(connection, reusable)

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> Any:
        return await self.fetch(query, args or ())

    async def _run_in_new_connection(self, query: str, args: Sequence[Any] | None = None) -> Any:
        return await self.fetch(query, args or ())

    def transaction(self, allow_nested: bool = True) -> GuardedPostgresTransaction:
        return GuardedPostgresTransaction(engine=self, allow_nested=allow_nested)
