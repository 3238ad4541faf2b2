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
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from paylinks.db.registry import TABLES


def make_engine(database_url: str) -> Engine[Any]:
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        # A writer waits up to 30 s for another's lock instead of failing at once.
        return SQLiteEngine(path=str(path), timeout=30)
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    return PostgresEngine(config={"dsn": dsn}, log_queries=False)


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


async def _keep_session(connection: Any) -> None:
    """What the pool does to a connection given back, besides rolling back a transaction
    left open (asyncpg always does that): nothing. Its default reset (``RESET ALL``,
    ``UNLISTEN *``, advisory unlocks, ``CLOSE ALL``) is a round trip on every release, and
    this code changes no session state: no ``SET``, ``LISTEN``, advisory locks or cursors
    held past a transaction."""


async def start(engine: Engine[Any]) -> None:
    """Prepare the database and open a connection pool on the running event loop."""
    await prepare(engine)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=10, reset=_keep_session)


async def stop(engine: Engine[Any]) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


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
