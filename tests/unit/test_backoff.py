"""Doubling waits: from the first, twice as long each time, never past the ceiling."""

from datetime import timedelta

from paylinks.backoff import doubling

FIRST, MOST = timedelta(seconds=30), timedelta(hours=1)


def test_the_wait_doubles_from_the_first_to_the_ceiling() -> None:
    waits = [doubling(n, FIRST, MOST).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_no_attempt_yet_waits_the_first_and_a_huge_count_the_ceiling() -> None:
    assert doubling(0, FIRST, MOST) == FIRST
    assert doubling(10**9, FIRST, MOST) == MOST
