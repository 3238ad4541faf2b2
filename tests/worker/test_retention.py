"""Retention on both engines: the scheduler's purge deletes events past their retention
with their deliveries and attempt logs, and message records past theirs; fresh rows, and
payments, refunds and links, stay; the API then answers 404 for what went."""

from typing import Any

import pytest
from dramatiq import Message
from dramatiq.brokers.stub import StubBroker

from paylinks.retention import repository
from paylinks.retention.model import Retention
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.webhooks import http as webhook_http
from paylinks.webhooks import service as webhooks
from paylinks.webhooks.tables import WebhookAttemptTable, WebhookDeliveryTable
from paylinks_worker.actors import QUEUE
from paylinks_worker.relay import relay_once
from paylinks_worker.scheduler import Scheduler
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer, StoreClient
from tests.fakes.receiver import Receiver


def stub_broker() -> StubBroker:
    broker = StubBroker()
    broker.declare_queue(QUEUE)
    return broker


async def deliveries_of(event_id: str) -> list[str]:
    rows = await WebhookDeliveryTable.select(WebhookDeliveryTable.id).where(
        WebhookDeliveryTable.event_id == event_id
    )
    return [row["id"] for row in rows]


async def attempts_of(delivery_ids: list[str]) -> int:
    if not delivery_ids:
        return 0
    return await WebhookAttemptTable.count().where(
        WebhookAttemptTable.delivery_id.is_in(delivery_ids)
    )


async def latest_event(store: StoreClient, link_id: str) -> dict[str, Any]:
    listed = await store.get("/v1/events", params={"payment_link_id": link_id})
    return listed.json()["data"][0]  # type: ignore[no-any-return]


async def deliver_all(broker: StubBroker, settings: Settings, clock: FrozenClock) -> None:
    """Relay the outbox and make one attempt of every delivery written."""
    await relay_once(broker)
    session = webhook_http.open_session(allow_private=True)
    keys = webhooks.SigningKeys(Cipher(settings.secret_key))
    try:
        for message in broker.queues[QUEUE].queue:
            job = Message.decode(message) if isinstance(message, bytes) else message
            if job.actor_name == "deliver_webhook":
                await webhooks.deliver(job.args[0], session, keys, True, clock())
    finally:
        await session.close()
        broker.flush_all()


class TestPurge:
    async def test_expired_events_deliveries_attempts_and_messages_go_fresh_ones_stay(
        self,
        api: ApiClient,
        frozen: FrozenClock,
        receiver: Receiver,
        settings: Settings,
    ) -> None:
        store = await api.create_store()
        await store.create_endpoint(receiver.url)
        broker = stub_broker()
        old_link = await store.create_link()
        paid = await Customer(api.client).pay(old_link["id"])
        old_send = await store.post(
            f"/v1/payment-links/{old_link['id']}/send", json={"email": "a@example.com"}
        )
        assert old_send.status_code == 202
        await deliver_all(broker, settings, frozen)
        old_event = await latest_event(store, old_link["id"])
        old_deliveries = await deliveries_of(old_event["id"])
        assert old_deliveries
        assert await attempts_of(old_deliveries) == len(old_deliveries)

        frozen.advance(days=80)
        new_link = await store.create_link()
        await store.post(f"/v1/payment-links/{new_link['id']}/send", json={"email": "b@x.org"})
        await deliver_all(broker, settings, frozen)
        new_event = await latest_event(store, new_link["id"])
        new_deliveries = await deliveries_of(new_event["id"])

        frozen.advance(days=10, seconds=1)  # 90 days and a second after the old rows
        await Scheduler(broker)._purge()

        # The old event is gone whole: no delivery of it is left half-there.
        assert (await store.get(f"/v1/events/{old_event['id']}")).status_code == 404
        gone = await store.get(f"/v1/events/{old_event['id']}/deliveries")
        assert gone.status_code == 404
        assert await deliveries_of(old_event["id"]) == []
        assert await attempts_of(old_deliveries) == 0
        listed = (await store.get("/v1/events", params={"limit": 100})).json()["data"]
        assert {e["data"]["payment_link"]["id"] for e in listed} == {new_link["id"]}
        old_messages = await store.get(f"/v1/payment-links/{old_link['id']}/messages")
        assert old_messages.json()["data"] == []

        # Fresh rows stay; the merchant's records always do.
        assert (await store.get(f"/v1/events/{new_event['id']}")).status_code == 200
        kept = (await store.get(f"/v1/events/{new_event['id']}/deliveries")).json()["data"]
        assert sorted(d["id"] for d in kept) == sorted(new_deliveries)
        assert await attempts_of(new_deliveries) == len(new_deliveries)
        new_messages = await store.get(f"/v1/payment-links/{new_link['id']}/messages")
        assert len(new_messages.json()["data"]) == 1
        assert (await store.get(f"/v1/payment-links/{old_link['id']}")).status_code == 200
        assert (await store.get(f"/v1/payments/{paid['id']}")).status_code == 200

    async def test_each_kind_by_its_own_setting(
        self, api: ApiClient, frozen: FrozenClock, settings: Settings
    ) -> None:
        store = await api.create_store()
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"})
        event = await latest_event(store, link["id"])
        frozen.advance(days=8)
        await Scheduler(stub_broker(), retention=Retention(event_days=30, message_days=7))._purge()
        assert (await store.get(f"/v1/events/{event['id']}")).status_code == 200
        messages = await store.get(f"/v1/payment-links/{link['id']}/messages")
        assert messages.json()["data"] == []

    @pytest.mark.usefixtures("api")
    async def test_in_batches(self, api: ApiClient, clock: FrozenClock) -> None:
        store = await api.create_store()
        for _ in range(5):
            await store.create_link()
        for _ in range(3):
            await store.post(
                f"/v1/payment-links/{(await store.create_link())['id']}/send",
                json={"email": "a@example.com"},
            )
        clock.advance(seconds=1)
        fresh = await store.create_link()
        # 8 links made 8 created events; 3 messages.
        assert await repository.purge_events(clock(), batch=3) == 8
        assert await repository.purge_events(clock(), batch=3) == 0
        assert await repository.purge_messages(clock(), batch=2) == 3
        listed = (await store.get("/v1/events")).json()["data"]
        assert [e["data"]["payment_link"]["id"] for e in listed] == [fresh["id"]]
