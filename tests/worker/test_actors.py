"""The jobs run by Dramatiq workers from a real Redis, as ``paylinks worker`` runs them:
webhooks reach their receiver signed, sandbox refunds settle, and links sent by email or
SMS land in the local outbox."""

from typing import Any

import pytest
import redis
from standardwebhooks.webhooks import Webhook

from tests.factories import CARD_OK, CARD_REFUND_FAILS, ApiClient, Customer, StoreClient, eventually
from tests.fakes.receiver import Receiver


class TestDeliverWebhook:
    async def test_each_event_reaches_the_receiver_once_signed(
        self, redis_api: ApiClient, receiver: Receiver, redis_url: str
    ) -> None:
        store = await redis_api.create_store()
        hook = await store.create_endpoint(receiver.url)
        link = await store.create_link()
        await Customer(redis_api.client).pay(link["id"])

        async def arrived() -> list[str]:
            return receiver.types()

        types = await eventually(arrived, lambda t: len(t) >= 2)
        assert sorted(types) == ["payment_link.created", "payment_link.paid"]
        for request in receiver.requests:
            envelope = Webhook(hook["secret"]).verify(request.body, request.headers)
            assert envelope["data"]["payment_link"]["id"] == link["id"]
        deliveries = await eventually(
            lambda: events_delivered(store), lambda d: d == ["succeeded"] * 2
        )
        assert deliveries == ["succeeded", "succeeded"]
        # The jobs went through Redis: its workers beat there.
        with redis.Redis.from_url(redis_url) as client:
            assert client.zcard("dramatiq:__heartbeats__") >= 1


async def events_delivered(store: StoreClient) -> list[str]:
    """The status of each delivery of each of the store's events."""
    statuses = []
    for event in (await store.get("/v1/events")).json()["data"]:
        log = (await store.get(f"/v1/events/{event['id']}/deliveries")).json()["data"]
        statuses += [delivery["status"] for delivery in log]
    return statuses


class TestProcessRefund:
    @pytest.mark.parametrize(
        ("card", "settles_as", "refunded"),
        [(CARD_OK, "succeeded", 1500), (CARD_REFUND_FAILS, "failed", 0)],
    )
    async def test_a_sandbox_refund_settles(
        self, redis_api: ApiClient, card: dict[str, Any], settles_as: str, refunded: int
    ) -> None:
        store = await redis_api.create_store()
        link = await store.create_link(amount=5000)
        paid = await Customer(redis_api.client).pay(link["id"], card)
        created = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1500})
        assert created.json()["status"] == "pending"

        async def refund() -> dict[str, Any]:
            return dict((await store.get(f"/v1/refunds/{created.json()['id']}")).json())

        settled = await eventually(refund, lambda r: r["status"] != "pending")
        assert settled["status"] == settles_as
        payment = (await store.get(f"/v1/payments/{paid['id']}")).json()
        assert (payment["amount_refunded"], payment["amount_refundable"]) == (
            refunded,
            5000 - refunded,
        )


class TestSendMessage:
    async def test_without_smtp_or_twilio_the_message_lands_in_the_outbox(
        self, redis_api: ApiClient
    ) -> None:
        store = await redis_api.create_store()
        link = await store.create_link()
        sent = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"email": "ann@example.com"}
        )
        assert sent.status_code in (201, 202), sent.text

        async def messages() -> list[dict[str, Any]]:
            answer = await store.get(f"/v1/payment-links/{link['id']}/messages")
            return list(answer.json()["data"])

        [message] = await eventually(messages, lambda ms: ms and ms[0]["status"] != "queued")
        assert (message["status"], message["transport"]) == ("sent", "outbox")
        assert message["delivered"] is False
        assert link["url"] in message["body"]
        assert message["recipient"] == "ann@example.com"
