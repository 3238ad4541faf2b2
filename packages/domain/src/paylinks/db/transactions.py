"""Transactions that always give their connection back, whatever failed.

Piccolo 1.38's transactions (``PostgresTransaction`` and ``SQLiteTransaction``) return the
connection and reset the "current transaction" context only when COMMIT or ROLLBACK
succeeds, and keep a connection whose BEGIN failed. When the server kills a connection
mid-transaction (a restart, a failover, ``pg_terminate_backend``), the connection is lost
to the pool for good and later queries in the same context run on the dead one; enough
of those empty the pool, and closing it then waits forever. These subclasses are the one
place that works around it: every exit resets the context, and a connection whose
transaction did not end cleanly is discarded, never reused.
"""

import asyncio
from typing import Any, Protocol

from piccolo.engine.postgres import PostgresTransaction
from piccolo.engine.sqlite import SQLiteTransaction, TransactionType

#: A ROLLBACK that does not answer within this many seconds is given up on, and the
#: connection with it (a commit is never cut short: whether it happened must be known).
ROLLBACK_TIMEOUT = 5.0


class _Transaction(Protocol):
    engine: Any
    connection: Any
    context: Any
    _parent: Any
    _committed: bool
    _rolled_back: bool

    async def get_connection(self) -> Any: ...
    async def begin(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def _give_back(self, reusable: bool) -> None: ...


async def _enter(tx: _Transaction) -> Any:
    if tx._parent is not None:
        return tx._parent
    tx.connection = await tx.get_connection()
    try:
        await tx.begin()
    except BaseException:
        await tx._give_back(reusable=False)
        raise
    tx.context = tx.engine.current_transaction.set(tx)
    return tx


async def _exit(tx: _Transaction, failed: bool) -> bool:
    if tx._parent is not None:
        return not failed
    ended = False
    try:
        if failed:
            if not tx._rolled_back:
                await asyncio.wait_for(tx.rollback(), ROLLBACK_TIMEOUT)
        elif not tx._committed and not tx._rolled_back:
            await tx.commit()
        ended = True
    finally:
        tx.engine.current_transaction.reset(tx.context)
        await tx._give_back(reusable=ended)
    return not failed


class GuardedPostgresTransaction(PostgresTransaction):
    async def __aenter__(self) -> Any:
        return await _enter(self)

    async def get_connection(self) -> Any:
        pool_engine: Any = self.engine  # a paylinks.db.postgres.PoolEngine
        return await pool_engine.acquire()

    async def begin(self) -> None:
        self.transaction = self.connection.transaction()
        await self.transaction.start()

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        return await _exit(self, exc is not None)

    async def _give_back(self, reusable: bool) -> None:
        pool_engine: Any = self.engine
        await pool_engine.give_back(self.connection, reusable)


class GuardedSQLiteTransaction(SQLiteTransaction):
    """A transaction on the engine's one writer connection, held from BEGIN to the end."""

    async def __aenter__(self) -> Any:
        return await _enter(self)

    async def get_connection(self) -> Any:
        held_engine: Any = self.engine  # a paylinks.db.sqlite.HeldSQLiteEngine
        return await held_engine.acquire_writer()

    async def begin(self) -> None:
        # IMMEDIATE even when DEFERRED is asked: the writer is this transaction's alone
        # anyway, and a deferred one could meet another process's lock only mid-way.
        kind = "EXCLUSIVE" if self.transaction_type is TransactionType.exclusive else "IMMEDIATE"
        await self.connection.begin(kind)

    async def commit(self) -> None:
        await self.connection.commit()
        self._committed = True

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        return await _exit(self, exc is not None)

    async def _give_back(self, reusable: bool) -> None:
        held_engine: Any = self.engine
        await held_engine.give_back_writer(self.connection, reusable)
