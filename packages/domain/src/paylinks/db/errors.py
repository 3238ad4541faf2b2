"""Database errors that both engines raise in their own way."""

import sqlite3

import asyncpg


def is_unique_violation(error: BaseException) -> bool:
    if isinstance(error, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
