"""A PostgreSQL database of the test's own, and the faults a production database has:
its backends terminated (a restart, a failover, ``pg_terminate_backend``), or new
connections refused (``ALLOW_CONNECTIONS false``, as while it is down). Only this
database is ever touched."""

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "PAYLINKS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _admin(sql: str, *args: object) -> list[asyncpg.Record]:
    """Run one statement on the admin database, from any thread or loop."""

    async def run() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    result: list[list[asyncpg.Record]] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(run()))
        except BaseException as error:  # re-raised in the caller's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def require_postgres() -> None:
    try:
        _admin("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}")
        pytest.skip("PostgreSQL is not reachable (CI runs it)")


class FaultyDatabase:
    """One database, made for the test and dropped after it."""

    def __init__(self) -> None:
        self.name = f"paylinks_fault_{uuid.uuid4().hex[:12]}"
        self.url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{self.name}"

    def create(self) -> None:
        _admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self.allow_connections(True)
        _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def terminate_backends(self) -> int:
        """Kill every connection to this database, as a failover does; returns how many."""
        rows = _admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.name,
        )
        return len(rows)

    def allow_connections(self, allowed: bool) -> None:
        _admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {str(allowed).lower()}')

    def go_down(self) -> None:
        """Refuse new connections and cut the open ones: the database is unreachable."""
        self.allow_connections(False)
        self.terminate_backends()

    def come_back(self) -> None:
        self.allow_connections(True)

    def connections(self) -> int:
        rows = _admin("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", self.name)
        return int(rows[0]["n"])


@contextmanager
def faulty_database() -> Iterator[FaultyDatabase]:
    require_postgres()
    database = FaultyDatabase()
    database.create()
    try:
        yield database
    finally:
        database.drop()


async def bind_with_counter(engine: Any) -> None:
    """Bind ``engine``, start it and give its database a table ``counter`` of one row
    (``id`` 1, ``n`` 0): what the engine tests write to."""
    from paylinks.db import engine as db
    from paylinks.db import sql

    db.bind(engine)
    await db.start(engine)
    await sql.fetch("CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL)")
    await sql.fetch("INSERT INTO counter VALUES (1, 0)")
