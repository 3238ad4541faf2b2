"""Which database errors mean "unavailable, retry" (a 503) rather than a bug (a 500)."""

import sqlite3

import asyncpg
import pytest

from paylinks.db.errors import DatabaseUnavailable, is_unavailable, is_unique_violation


def postgres_error(kind: type[asyncpg.PostgresError], message: str = "") -> BaseException:
    return kind(message)


class TestUnavailable:
    @pytest.mark.parametrize(
        "error",
        [
            DatabaseUnavailable(),
            ConnectionRefusedError(111, "Connection refused"),
            ConnectionResetError(104, "Connection reset by peer"),
            asyncpg.InterfaceError("connection is closed"),
            asyncpg.exceptions.InternalClientError("cannot switch to state 11"),
            postgres_error(asyncpg.exceptions.ConnectionDoesNotExistError),
            postgres_error(asyncpg.exceptions.AdminShutdownError),
            postgres_error(asyncpg.exceptions.CannotConnectNowError),
            postgres_error(asyncpg.exceptions.TooManyConnectionsError),
            postgres_error(
                asyncpg.exceptions.ObjectNotInPrerequisiteStateError,
                'database "shop" is not currently accepting connections',
            ),
            sqlite3.OperationalError("database is locked"),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_a_lost_refused_or_busy_database(self, error: BaseException) -> None:
        assert is_unavailable(error)

    @pytest.mark.parametrize(
        "error",
        [
            postgres_error(asyncpg.exceptions.UniqueViolationError),
            postgres_error(asyncpg.exceptions.UndefinedColumnError),
            postgres_error(asyncpg.exceptions.ObjectNotInPrerequisiteStateError, "other"),
            sqlite3.OperationalError("no such column: title"),
            sqlite3.IntegrityError("UNIQUE constraint failed: store.email"),
            ValueError("a bug"),
            KeyError("a bug"),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_a_wrong_statement_or_a_bug_is_not(self, error: BaseException) -> None:
        assert not is_unavailable(error)

    def test_unavailable_says_when_to_retry(self) -> None:
        error = DatabaseUnavailable()
        assert error.code == "database_unavailable"
        assert error.retry_after >= 1


class TestUniqueViolation:
    def test_on_both_engines(self) -> None:
        assert is_unique_violation(postgres_error(asyncpg.exceptions.UniqueViolationError))
        assert is_unique_violation(sqlite3.IntegrityError("UNIQUE constraint failed: x.id"))
        assert not is_unique_violation(sqlite3.IntegrityError("NOT NULL constraint failed"))
