"""The outbox relay: which jobs an event sets off, and on a real Redis, each committed
event made into its deliveries and jobs once, or left for a later pass while Redis is down."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker

from paylinks.events.model import Event, EventType, Unrelayed
from paylinks.events.tables import EventTable
from paylinks.webhooks.service import LEASE as DELIVERY_LEASE
from paylinks.webhooks.tables import WebhookDeliveryTable
from paylinks_worker.actors import DELIVER_WEBHOOK, PROCESS_REFUND
from paylinks_worker.relay import LEASE, jobs_for, relay_once
from paylinks_worker.scheduler import Scheduler
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer
from tests.worker.conftest import queued


def claimed(event_type: EventType, refund_id: str | None = None) -> Unrelayed:
    event = Event(
        id="evt_1",
        type=event_type,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        store_id="st_1",
        data=msgspec.Raw(b"{}"),
    )
    return Unrelayed(event=event, refund_id=refund_id)


class TestJobsFor:
    def test_one_delivery_job_per_delivery(self) -> None:
        jobs = jobs_for(claimed(EventType.LINK_PAID), ["whd_1", "whd_2"])
        assert jobs == [(DELIVER_WEBHOOK, ("whd_1",)), (DELIVER_WEBHOOK, ("whd_2",))]

    def test_a_new_refund_is_also_submitted(self) -> None:
        created = claimed(EventType.REFUND_CREATED, "re_1")
        assert jobs_for(created, []) == [(PROCESS_REFUND, ("re_1",))]

    def test_a_settled_refund_is_not_submitted_again(self) -> None:
        assert jobs_for(claimed(EventType.REFUND_SUCCEEDED, "re_1"), []) == []

    def test_an_event_from_before_the_refund_column_leaves_it_to_the_sweep(self) -> None:
        assert jobs_for(claimed(EventType.REFUND_CREATED), []) == []

    def test_an_event_nobody_wants_sets_off_nothing(self) -> None:
        assert jobs_for(claimed(EventType.LINK_CREATED), []) == []


async def unrelayed() -> int:
    return int(await EventTable.count().where(EventTable.relayed_at.is_null()))


async def deliveries() -> list[dict[str, Any]]:
    return list(
        await WebhookDeliveryTable.select(WebhookDeliveryTable.id, WebhookDeliveryTable.event_id)
    )


class TestRelayOnRedis:
    async def test_each_event_becomes_its_deliveries_and_jobs_exactly_once(
        self, api: ApiClient, broker: RedisBroker, frozen: FrozenClock
    ) -> None:
        store = await api.create_store()
        await store.create_endpoint("https://hooks.example/a")
        await store.create_endpoint("https://hooks.example/b")
        link = await store.create_link(amount=5000)
        paid = await Customer(api.client).pay(link["id"])
        refund = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 100})
        assert refund.status_code == 201, refund.text
        # created, paid, refund.created: three events for two endpoints.
        assert await unrelayed() == 3

        passes = await asyncio.gather(*(relay_once(broker) for _ in range(3)))
        again = await relay_once(broker)
        frozen.advance(seconds=LEASE.total_seconds() + 1)
        late = await relay_once(broker)

        assert (sum(passes), again, late) == (3, 0, 0)
        assert await unrelayed() == 0
        made = await deliveries()
        assert len(made) == 6
        assert len({row["event_id"] for row in made}) == 3
        assert queued(broker) == sorted(
            [(DELIVER_WEBHOOK, (row["id"],)) for row in made]
            + [(PROCESS_REFUND, (refund.json()["id"],))]
        )

    async def test_while_redis_is_down_the_events_wait_for_a_later_pass(
        self,
        api: ApiClient,
        broker: RedisBroker,
        dead_broker: RedisBroker,
        frozen: FrozenClock,
    ) -> None:
        store = await api.create_store()
        await store.create_endpoint("https://hooks.example/a")
        await store.create_link()

        with pytest.raises(redis.ConnectionError):
            await relay_once(dead_broker)
        assert await unrelayed() == 1
        assert queued(broker) == []

        # Its lease runs out: the next pass relays the event. The delivery made during the
        # outage is not made again; the due-deliveries scan sends it once its lease ends.
        frozen.advance(seconds=LEASE.total_seconds() + 1)
        assert await relay_once(broker) == 1
        assert await unrelayed() == 0
        [made] = await deliveries()
        frozen.advance(seconds=DELIVERY_LEASE.total_seconds())
        scheduler = Scheduler(broker)
        await scheduler._due_deliveries()
        await scheduler._due_deliveries()
        assert queued(broker) == [(DELIVER_WEBHOOK, (made["id"],))]
