"""The scheduler through an outage: each periodic job pauses longer after each failure (up
to a ceiling), logs an outage once rather than every tick, and resumes by itself."""

import asyncio
import logging

import asyncpg
import pytest
from dramatiq.brokers.stub import StubBroker

from paylinks.db.errors import DatabaseUnavailable
from paylinks_worker.scheduler import OUTAGE_PAUSE_MAX, Failures, Scheduler


class TestFailures:
    def test_pauses_double_up_to_the_ceiling(self) -> None:
        failures = Failures("_relay")
        pauses = [failures.failed(DatabaseUnavailable(), 0.2) for _ in range(8)]
        assert pauses[:4] == [0.2, 0.4, 0.8, 1.6]
        assert pauses[-1] == OUTAGE_PAUSE_MAX
        assert pauses == sorted(pauses)

    def test_a_success_starts_over(self) -> None:
        failures = Failures("_sweep")
        for _ in range(5):
            failures.failed(DatabaseUnavailable(), 0.5)
        failures.succeeded()
        assert failures.failed(DatabaseUnavailable(), 0.5) == 0.5

    def test_a_slow_job_never_pauses_less_than_its_period(self) -> None:
        assert Failures("_purge").failed(DatabaseUnavailable(), 3600.0) == 3600.0

    def test_an_outage_is_logged_once_and_its_end_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        failures = Failures("_relay")
        with caplog.at_level(logging.WARNING, logger="paylinks_worker.scheduler"):
            for _ in range(10):
                failures.failed(asyncpg.exceptions.ConnectionDoesNotExistError("gone"), 0.2)
            failures.succeeded()
        messages = [record.getMessage() for record in caplog.records]
        assert len(messages) == 2
        assert "paused, the database is unavailable" in messages[0]
        assert "resumed after 10 failed tries" in messages[1]
        assert all(record.exc_info is None for record in caplog.records)

    def test_a_bug_is_logged_with_its_traceback_every_time(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        failures = Failures("_sweep")
        with caplog.at_level(logging.ERROR, logger="paylinks_worker.scheduler"):
            for _ in range(3):
                try:
                    raise KeyError("refund")
                except KeyError as error:
                    failures.failed(error, 5.0)
        assert len(caplog.records) == 3
        assert all(record.exc_info is not None for record in caplog.records)


class TestEvery:
    async def test_a_job_resumes_after_the_database_returns(self) -> None:
        scheduler = Scheduler(StubBroker())
        calls: list[str] = []
        resumed = asyncio.Event()

        async def flaky() -> None:
            calls.append("try")
            if len(calls) <= 3:
                raise DatabaseUnavailable()
            if len(calls) >= 6:
                resumed.set()

        job = asyncio.create_task(scheduler._every(0.01, flaky))
        await asyncio.wait_for(resumed.wait(), 5)
        scheduler.stop()
        await asyncio.wait_for(job, 1)
        assert len(calls) >= 6
