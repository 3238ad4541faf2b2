"""Make the Piccolo engine for a database URL and bind every table to it.

Each runtime (the API's event loop, the worker's) opens its own engine and pool: an
asyncpg pool must never be shared between two event loops.
"""

import os
import sqlite3
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from paylinks.db.postgres import PoolEngine
from paylinks.db.registry import TABLES
from paylinks.db.sqlite import HeldSQLiteEngine
from paylinks.settings import Settings

#: Seconds a stopping process waits for connections still in use before it cuts them.
CLOSE_GRACE = 5.0


def make_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    acquire_timeout: float = 5.0,
    lock_timeout: float = 30.0,
) -> Engine[Any]:
    """The engine of a database URL; on PostgreSQL a pool of at most ``pool_size``
    connections, each handed out within ``acquire_timeout`` seconds or not at all; on
    SQLite held connections (a few readers, one writer), where a writer waits up to
    ``lock_timeout`` seconds for its turn and for another process's lock."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return HeldSQLiteEngine(str(path), lock_timeout=lock_timeout)
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    return PoolEngine(dsn, pool_size=pool_size, acquire_timeout=acquire_timeout)


def engine_for(settings: Settings) -> Engine[Any]:
    """The engine of the settings' database, with their pool size and timeout."""
    return make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        acquire_timeout=settings.db_pool_timeout,
        lock_timeout=settings.db_lock_timeout,
    )


def _prepare_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while one writer commits; it is a property of the file.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


_bound: Engine[Any] | None = None


def bind(engine: Engine[Any]) -> None:
    """Point every table, and Piccolo's migration machinery, at ``engine``."""
    global _bound
    _bound = engine
    os.environ.setdefault("PICCOLO_CONF", "paylinks.db.piccolo_conf")
    from paylinks.db import piccolo_conf

    piccolo_conf.DB = engine
    # Piccolo's own table of applied migrations caches its engine too.
    tables: list[type[Table]] = [*TABLES, Migration]
    for table in tables:
        table._meta.db = engine


async def prepare(engine: Engine[Any]) -> None:
    """Get the database ready for plain connections (no pool)."""
    if isinstance(engine, SQLiteEngine):
        _prepare_sqlite(Path(engine.path))


async def start(engine: Engine[Any]) -> None:
    """Prepare the database and open a connection pool on the running event loop (SQLite's
    held connections open on first use, on any loop)."""
    await prepare(engine)
    if isinstance(engine, PoolEngine):
        await engine.start_pool()


async def stop(engine: Engine[Any], grace: float = CLOSE_GRACE) -> None:
    """Close the pool, or SQLite's held connections: connections still in use after
    ``grace`` seconds are cut (SQLite's are left to their threads, which end with the
    process)."""
    if isinstance(engine, PoolEngine):
        await engine.close_pool(grace)
    elif isinstance(engine, HeldSQLiteEngine):
        await engine.close(grace)


def bound_engine() -> Engine[Any]:
    if _bound is None:
        raise RuntimeError("No database engine is bound: call paylinks.db.engine.bind first.")
    return _bound


def transaction() -> Any:
    """A write transaction on the bound engine (see ``write_transaction``)."""
    return write_transaction(bound_engine())


def write_transaction(engine: Engine[Any]) -> Any:
    """A transaction for read-then-write work: IMMEDIATE on SQLite so that two writers
    queue for the lock up front instead of failing with "database is locked" at commit."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def ping() -> None:
    """One round trip to the bound database (a readiness check); raises what went wrong."""
    await bound_engine().run_querystring(QueryString("SELECT 1"))
