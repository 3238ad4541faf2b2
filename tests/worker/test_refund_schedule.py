"""Pending refunds are retried on a schedule kept in the database: the sweep enqueues only
those due and free, a transient gateway failure pushes the next attempt back (doubling),
and one job at a time works on a refund."""

import asyncio
from datetime import timedelta

import pytest
from dramatiq.brokers.redis import RedisBroker

from paylinks.gateways.model import GatewayError, PaymentGateway, RefundState
from paylinks.gateways.registry import Gateways
from paylinks.gateways.sandbox import SandboxGateway
from paylinks.links.model import PublicUrls
from paylinks.payments.model import Payment
from paylinks.refunds import repository
from paylinks.refunds.model import ATTEMPT_TIMEOUT, LEASE, QUEUED_FOR, RefundStatus, retry_delay
from paylinks.refunds.service import claim_due, process_refund
from paylinks.secrets import Cipher
from paylinks_worker.actors import PROCESS_REFUND
from paylinks_worker.scheduler import Scheduler
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer
from tests.worker.conftest import queued

URLS = PublicUrls("http://checkout.test", "http://api.test")
SECRET = "test-secret-key-" + "x" * 32


class FlakyGateway(SandboxGateway):
    """The sandbox, down while ``down`` is set; counts the refund calls it gets."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.delay = 0.0
        self.calls = 0

    async def refund(self, payment: Payment, refund_id: str, amount: int) -> RefundState:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.down:
            raise GatewayError("The gateway is down.", transient=True)
        return await super().refund(payment, refund_id, amount)


class FlakyGateways(Gateways):
    def __init__(self) -> None:
        super().__init__(Cipher(SECRET))
        self.gateway = FlakyGateway()

    async def for_store(self, store_id: str) -> PaymentGateway:
        return self.gateway

    async def named(self, name: str | None, store_id: str) -> PaymentGateway:
        return self.gateway


@pytest.fixture
async def refund_id(api: ApiClient) -> str:
    store = await api.create_store()
    link = await store.create_link(amount=5000)
    paid = await Customer(api.client).pay(link["id"])
    created = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1000})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


class TestRetryDelay:
    def test_doubles_from_thirty_seconds_up_to_an_hour(self) -> None:
        delays = [retry_delay(attempts) for attempts in range(1, 10)]
        assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
        assert delays[-1] == timedelta(hours=1)
        assert retry_delay(10_000) == timedelta(hours=1)
        assert retry_delay(0) == timedelta(seconds=30)


class TestSweep:
    async def test_a_new_refund_is_left_to_the_job_the_outbox_sends(
        self, refund_id: str, clock: FrozenClock
    ) -> None:
        assert await claim_due(clock()) == []
        clock.advance(seconds=QUEUED_FOR.total_seconds() - 1)
        assert await claim_due(clock()) == []
        # The job never came (lost with a broker): the sweep sends another, once.
        clock.advance(seconds=2)
        assert await claim_due(clock()) == [refund_id]
        assert await claim_due(clock()) == []
        clock.advance(seconds=QUEUED_FOR.total_seconds() + 1)
        assert await claim_due(clock()) == [refund_id]

    async def test_an_outage_backs_off_and_a_settled_refund_is_never_due(
        self, refund_id: str, clock: FrozenClock
    ) -> None:
        gateways = FlakyGateways()
        gateways.gateway.down = True
        assert await process_refund(refund_id, gateways, URLS, clock()) is RefundStatus.PENDING
        # Due 30 s after the first failed attempt, not before.
        clock.advance(seconds=29)
        assert await claim_due(clock()) == []
        clock.advance(seconds=2)
        assert await claim_due(clock()) == [refund_id]
        assert await process_refund(refund_id, gateways, URLS, clock()) is RefundStatus.PENDING
        # Then 60 s after the second.
        clock.advance(seconds=59)
        assert await claim_due(clock()) == []
        clock.advance(seconds=2)
        assert await claim_due(clock()) == [refund_id]
        gateways.gateway.down = False
        status = await process_refund(refund_id, gateways, URLS, clock())
        assert status is RefundStatus.SUCCEEDED
        assert gateways.gateway.calls == 3
        clock.advance(days=1)
        assert await claim_due(clock()) == []

    async def test_the_scheduler_enqueues_only_due_refunds_once(
        self, refund_id: str, broker: RedisBroker, frozen: FrozenClock
    ) -> None:
        scheduler = Scheduler(broker)
        await scheduler._recheck_refunds()
        assert queued(broker) == []
        frozen.advance(seconds=QUEUED_FOR.total_seconds() + 1)
        for _ in range(3):
            await scheduler._recheck_refunds()
        assert queued(broker) == [(PROCESS_REFUND, (refund_id,))]


class TestOneJobAtATime:
    async def test_a_refund_held_by_a_job_is_left_alone(
        self, refund_id: str, clock: FrozenClock
    ) -> None:
        clock.advance(seconds=QUEUED_FOR.total_seconds() + 1)
        attempt = await repository.take(refund_id, clock(), LEASE)
        assert attempt == 1
        gateways = FlakyGateways()
        # Another job, and the sweep, find it held.
        assert await process_refund(refund_id, gateways, URLS, clock()) is RefundStatus.PENDING
        assert gateways.gateway.calls == 0
        assert await claim_due(clock()) == []
        # A job that died holding it (a killed worker): its hold runs out, another takes it.
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert await claim_due(clock()) == [refund_id]
        assert await process_refund(refund_id, gateways, URLS, clock()) is RefundStatus.SUCCEEDED
        assert gateways.gateway.calls == 1

    async def test_a_job_gives_up_on_a_slow_gateway_before_its_hold_runs_out(
        self, refund_id: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert ATTEMPT_TIMEOUT < LEASE
        monkeypatch.setattr("paylinks.refunds.service.ATTEMPT_TIMEOUT", timedelta(seconds=0.05))
        gateways = FlakyGateways()
        gateways.gateway.delay = 5.0
        assert await process_refund(refund_id, gateways, URLS, clock()) is RefundStatus.PENDING
        # Let go at once, due again after the first retry delay.
        assert await repository.take(refund_id, clock(), LEASE) == 2
        await repository.let_go(refund_id, 2, clock() + retry_delay(1))
        clock.advance(seconds=retry_delay(1).total_seconds() + 1)
        assert await claim_due(clock()) == [refund_id]

    async def test_a_late_job_does_not_undo_the_next_ones_hold(
        self, refund_id: str, clock: FrozenClock
    ) -> None:
        first = await repository.take(refund_id, clock(), LEASE)
        assert first == 1
        clock.advance(seconds=LEASE.total_seconds() + 1)
        second = await repository.take(refund_id, clock(), LEASE)
        assert second == 2
        # The first job ends at last: the second's hold stands.
        await repository.let_go(refund_id, 1, clock())
        assert await repository.take(refund_id, clock(), LEASE) is None
        await repository.let_go(refund_id, 2, clock())
        assert await repository.take(refund_id, clock(), LEASE) == 3
