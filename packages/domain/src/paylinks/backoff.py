"""Waits that double after each failed attempt, up to a ceiling (pure)."""

from datetime import timedelta


def doubling(attempts: int, first: timedelta, most: timedelta) -> timedelta:
    """The wait after ``attempts`` failed attempts: ``first`` after the first (and for
    none), twice as long after each further one, never more than ``most``."""
    doublings = max(0, min(attempts - 1, 16))
    return min(first * (1 << doublings), most)
