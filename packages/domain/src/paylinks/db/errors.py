"""Database errors that both engines raise in their own way."""

import sqlite3

import asyncpg

from paylinks.errors import DomainError

#: What a client is told to wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 2


class DatabaseUnavailable(DomainError):
    """The database cannot be reached, or no connection came free in time: the request did
    not run and may be retried."""

    code = "database_unavailable"
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, message: str = "The database is unavailable: retry shortly.") -> None:
        super().__init__(message)


def is_unique_violation(error: BaseException) -> bool:
    if isinstance(error, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


# Server-side: connection failures (08), operator intervention — a terminated backend, a
# shutdown, "cannot connect now" while starting (57), too many connections (53).
_UNAVAILABLE_SQLSTATES = ("08", "57", "53")


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database could not be used, rather than that a statement
    was wrong: a lost or refused connection, a database shutting down or not accepting
    connections, a pool with nothing free, or SQLite's lock held past its timeout."""
    if isinstance(error, DatabaseUnavailable | ConnectionError):
        return True
    if isinstance(error, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError):
        # A connection closed under the driver, or a protocol interrupted by the server.
        return True
    if isinstance(error, asyncpg.PostgresError):
        sqlstate = str(getattr(error, "sqlstate", "") or "")
        if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        # ALTER DATABASE … ALLOW_CONNECTIONS false, as during maintenance.
        return "not currently accepting connections" in str(error)
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error)
    return False
