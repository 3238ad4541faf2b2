"""A Stripe payment swept for timing out has its PaymentIntent cancelled at Stripe by a job
the sweeper enqueues: once, tolerating one already cancelled, refunding in full one the
merchant captured by hand, and retried later (doubling) while Stripe is down."""

from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker

from paylinks.payments import voids
from paylinks.payments.voids import VOID_LEASE, claim_voids, void_at_gateway
from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from paylinks_worker.actors import QUEUE, VOID_PAYMENT
from paylinks_worker.scheduler import Scheduler
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer, StoreClient
from tests.fakes.stripe_server import FakeStripe


@pytest.fixture
async def abandoned(
    api: ApiClient, store: StoreClient, fake: FakeStripe, clock: FrozenClock, settings: Settings
) -> tuple[str, str]:
    """A payment started and left until its hold ran out, swept: (its id, its intent's)."""
    link = await store.create_link()
    started = await Customer(api.client).start(link["id"])
    assert started.status_code == 201, started.text
    payment_id = started.json()["id"]
    [intent] = [i for i in fake.intents() if i["metadata"]["paylinks_payment_id"] == payment_id]
    clock.advance(seconds=settings.reservation_seconds + 1)
    assert await voids.release_expired_holds(clock()) == 1
    return payment_id, str(intent["id"])


async def status(store: StoreClient, payment_id: str) -> Any:
    return (await store.get(f"/v1/payments/{payment_id}")).json()["status"]


class TestVoid:
    async def test_the_sweeper_has_the_intent_cancelled_once(
        self,
        api: ApiClient,
        store: StoreClient,
        fake: FakeStripe,
        ctx: ApiContext,
        clock: FrozenClock,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        link = await store.create_link()
        started = await Customer(api.client).start(link["id"])
        payment_id = started.json()["id"]
        clock.advance(seconds=settings.reservation_seconds + 1)
        monkeypatch.setattr("paylinks_worker.scheduler.utc_now", clock)
        broker = StubBroker()
        broker.declare_queue(QUEUE)
        scheduler = Scheduler(broker)
        for _ in range(2):
            await scheduler._sweep()
        assert broker.queues[QUEUE].qsize() == 1
        message = broker.queues[QUEUE].get_nowait()
        assert VOID_PAYMENT.encode() in message
        assert payment_id.encode() in message
        assert await status(store, payment_id) == "canceled"

        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        [intent] = fake.intents()
        assert intent["status"] == "canceled"
        assert fake.cancels[intent["id"]] == 1
        clock.advance(days=1)
        assert await claim_voids(clock()) == []

    async def test_an_outage_is_retried_later(
        self,
        abandoned: tuple[str, str],
        fake: FakeStripe,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        payment_id, intent_id = abandoned
        assert await claim_voids(clock()) == [payment_id]
        fake.down = True
        assert not await void_at_gateway(payment_id, ctx.gateways, clock())
        clock.advance(seconds=29)
        assert await claim_voids(clock()) == []
        clock.advance(seconds=2)
        assert await claim_voids(clock()) == [payment_id]
        assert not await void_at_gateway(payment_id, ctx.gateways, clock())
        clock.advance(seconds=59)
        assert await claim_voids(clock()) == []
        clock.advance(seconds=2)
        assert await claim_voids(clock()) == [payment_id]
        fake.down = False
        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        assert fake.intent(intent_id)["status"] == "canceled"
        clock.advance(days=1)
        assert await claim_voids(clock()) == []

    async def test_a_lost_job_is_sent_again_after_its_lease(
        self, abandoned: tuple[str, str], clock: FrozenClock
    ) -> None:
        payment_id, _ = abandoned
        assert await claim_voids(clock()) == [payment_id]
        assert await claim_voids(clock()) == []
        clock.advance(seconds=VOID_LEASE.total_seconds() + 1)
        assert await claim_voids(clock()) == [payment_id]

    async def test_an_intent_already_cancelled_is_left_as_it_is(
        self,
        abandoned: tuple[str, str],
        fake: FakeStripe,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        payment_id, intent_id = abandoned
        with fake._lock:
            fake.objects[intent_id]["status"] = "canceled"
        assert await claim_voids(clock()) == [payment_id]
        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        assert fake.intent(intent_id)["status"] == "canceled"
        assert fake.refunds_of(intent_id) == []
        clock.advance(days=1)
        assert await claim_voids(clock()) == []

    async def test_an_intent_captured_by_hand_is_refunded_in_full_once(
        self,
        store: StoreClient,
        abandoned: tuple[str, str],
        fake: FakeStripe,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        payment_id, intent_id = abandoned
        fake.simulate_customer_confirm(intent_id)
        fake.simulate_capture_by_hand(intent_id)
        assert await claim_voids(clock()) == [payment_id]
        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        [refund] = fake.refunds_of(intent_id)
        assert refund["amount"] == fake.intent(intent_id)["amount"]
        assert refund["status"] == "succeeded"
        assert refund["metadata"]["paylinks_given_back"] == payment_id
        assert await status(store, payment_id) == "canceled"
        # Asked again, within Stripe's idempotency window and after it: still one refund.
        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        fake._idempotent.clear()
        assert await void_at_gateway(payment_id, ctx.gateways, clock())
        assert len(fake.refunds_of(intent_id)) == 1
        clock.advance(days=1)
        assert await claim_voids(clock()) == []

    async def test_sandbox_payments_have_nothing_to_cancel(
        self, api: ApiClient, clock: FrozenClock, settings: Settings
    ) -> None:
        sandbox = await api.create_store()
        link = await sandbox.create_link()
        assert (await Customer(api.client).start(link["id"])).status_code == 201
        clock.advance(seconds=settings.reservation_seconds + 1)
        assert await voids.release_expired_holds(clock()) == 1
        assert await claim_voids(clock()) == []
