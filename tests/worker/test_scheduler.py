"""The scheduler: on a real Redis, due webhook retries are sent once and timed-out holds
are freed; through an outage, each periodic job pauses longer after each failure (up to a
ceiling), logs an outage once rather than every tick, and resumes by itself."""

import asyncio
import logging
from typing import Any

import asyncpg
import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from paylinks.db.errors import DatabaseUnavailable
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.webhooks import http as webhook_http
from paylinks.webhooks import service as webhooks
from paylinks.webhooks.model import RETRY_SCHEDULE
from paylinks.webhooks.tables import WebhookDeliveryTable
from paylinks_worker.actors import DELIVER_WEBHOOK
from paylinks_worker.relay import relay_once
from paylinks_worker.scheduler import OUTAGE_PAUSE_MAX, Failures, Scheduler
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer
from tests.fakes.receiver import Receiver
from tests.worker.conftest import queued


class TestDueDeliveries:
    async def test_a_failed_delivery_is_sent_again_once_when_its_retry_is_due(
        self,
        api: ApiClient,
        broker: RedisBroker,
        frozen: FrozenClock,
        receiver: Receiver,
        settings: Settings,
    ) -> None:
        store = await api.create_store()
        await store.create_endpoint(receiver.url)
        await store.create_link()
        assert await relay_once(broker) == 1
        [(actor, (delivery_id,))] = queued(broker)
        assert actor == DELIVER_WEBHOOK
        broker.flush_all()

        # The job's attempt: the receiver answers 500.
        receiver.statuses = [500]
        session = webhook_http.open_session(allow_private=True)
        try:
            keys = webhooks.SigningKeys(Cipher(settings.secret_key))
            await webhooks.deliver(delivery_id, session, keys, True, frozen())
        finally:
            await session.close()
        assert len(receiver.requests) == 1

        scheduler = Scheduler(broker)
        frozen.advance(seconds=RETRY_SCHEDULE[1].total_seconds() - 1)
        await scheduler._due_deliveries()
        assert queued(broker) == []
        frozen.advance(seconds=2)
        for _ in range(3):
            await scheduler._due_deliveries()
        assert queued(broker) == [(DELIVER_WEBHOOK, (delivery_id,))]
        [row] = await WebhookDeliveryTable.select(WebhookDeliveryTable.attempts)
        assert row["attempts"] == 1


class TestSweep:
    async def test_a_timed_out_hold_is_canceled_and_its_slot_freed(
        self, api: ApiClient, broker: RedisBroker, frozen: FrozenClock
    ) -> None:
        store = await api.create_store()
        link = await store.create_link(type="one_off")
        customer = Customer(api.client)
        abandoned = (await customer.start(link["id"])).json()

        async def status() -> Any:
            answer = await customer.client.get(f"/v1/checkout/payments/{abandoned['id']}")
            return answer.json()["status"]

        scheduler = Scheduler(broker)
        await scheduler._sweep()
        assert await status() == "pending"
        frozen.advance(minutes=15, seconds=1)
        await scheduler._sweep()
        assert await status() == "canceled"
        # The sandbox holds nothing at a gateway: there is no authorisation to void.
        assert queued(broker) == []
        assert (await customer.pay(link["id"]))["status"] == "succeeded"


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
