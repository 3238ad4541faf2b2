"""Stripe's webhooks before any database is asked: what is not a Stripe event, not one of
ours, not verified for its store, or not about a payment or refund."""

import json
import time
from typing import Any

import pytest

from paylinks.gateways.registry import Gateways
from paylinks.gateways.stripe_events import (
    PAYMENT_EVENTS,
    REFUND_EVENTS,
    STORE_ID_MAX,
    TOLERANCE_SECONDS,
    UNVERIFIED,
    InvalidWebhook,
    Received,
    receive,
)
from paylinks.links.model import PublicUrls
from paylinks.secrets import Cipher
from tests.factories import MADE_AT
from tests.fakes.stripe_server import FakeStripe

URLS = PublicUrls("http://checkout.test", "http://api.test")
STORE = "store_019dbc4d828174419d9ff9fae24aea7c"
SECRET = "whsec_PaylinksWebhookSigningSecret0123456789"


class OneStore(Gateways):
    """Gateways that know one store's webhook secret, and note each store asked about."""

    def __init__(self) -> None:
        super().__init__(Cipher("test-secret-key-" + "x" * 32))
        self.asked: list[str] = []

    async def webhook_secret(self, store_id: str) -> str | None:
        self.asked.append(store_id)
        return SECRET if store_id == STORE else None


def event(event_type: str = "payment_intent.succeeded", **metadata: str) -> dict[str, Any]:
    metadata = metadata or {"paylinks_store_id": STORE}
    return {
        "id": "evt_1",
        "object": "event",
        "type": event_type,
        "data": {"object": {"id": "pi_1", "object": "payment_intent", "metadata": metadata}},
    }


async def deliver(
    body: dict[str, Any] | bytes, secret: str = SECRET, timestamp: int | None = None
) -> tuple[Received, OneStore]:
    payload, headers = FakeStripe.sign(body, secret, timestamp)
    gateways = OneStore()
    received = await receive(payload, headers["Stripe-Signature"], gateways, URLS, MADE_AT)
    return received, gateways


class TestNotAStripeEvent:
    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"\xff\xfe",
            b"[]",
            b'{"id": "evt_1", "type": "refund.updated"}',
            b'{"id": 1, "type": "refund.updated", "data": {"object": {}}}',
            b'{"id": "evt_1", "type": "refund.updated", "data": {"object": []}}',
            b"[" * 100_000 + b"]" * 100_000,
        ],
    )
    async def test_is_refused_before_any_store_is_looked_up(self, body: bytes) -> None:
        gateways = OneStore()
        with pytest.raises(InvalidWebhook, match="not a Stripe event"):
            await receive(body, "t=1,v1=x", gateways, URLS, MADE_AT)
        assert gateways.asked == []


class TestNotOurs:
    @pytest.mark.parametrize("metadata", [{"order": "42"}, {"paylinks_store_id": ""}])
    async def test_an_event_without_our_metadata_is_acknowledged_and_ignored(
        self, metadata: dict[str, str]
    ) -> None:
        body = event(**metadata)
        received, gateways = await deliver(body, secret="whsec_someone_elses")
        assert received is Received.IGNORED
        assert gateways.asked == []

    @pytest.mark.parametrize("event_type", ["customer.created", "charge.dispute.created"])
    async def test_a_verified_event_about_something_else_is_ignored(self, event_type: str) -> None:
        assert event_type not in PAYMENT_EVENTS | REFUND_EVENTS
        received, gateways = await deliver(event(event_type))
        assert received is Received.IGNORED
        assert gateways.asked == [STORE]


class TestUnverified:
    async def test_an_unknown_store_and_a_bad_signature_get_the_same_answer(self) -> None:
        with pytest.raises(InvalidWebhook) as unknown:
            await deliver(event(paylinks_store_id="store_unknown"))
        with pytest.raises(InvalidWebhook) as forged:
            await deliver(event(), secret="whsec_not_the_stores")
        assert str(unknown.value) == str(forged.value) == UNVERIFIED

    async def test_an_overlong_store_id_is_not_even_looked_up(self) -> None:
        gateways = OneStore()
        payload, headers = FakeStripe.sign(
            event(paylinks_store_id="s" * (STORE_ID_MAX + 1)), SECRET
        )
        with pytest.raises(InvalidWebhook, match=UNVERIFIED):
            await receive(payload, headers["Stripe-Signature"], gateways, URLS, MADE_AT)
        assert gateways.asked == []

    async def test_a_replayed_old_delivery_is_refused(self) -> None:
        old = int(time.time()) - TOLERANCE_SECONDS - 1
        with pytest.raises(InvalidWebhook, match=UNVERIFIED):
            await deliver(event(), timestamp=old)

    @pytest.mark.parametrize("signature", [None, "", "t=1", "v1=abc"])
    async def test_a_missing_or_malformed_signature_is_refused(self, signature: str | None) -> None:
        payload = json.dumps(event()).encode()
        with pytest.raises(InvalidWebhook, match=UNVERIFIED):
            await receive(payload, signature, OneStore(), URLS, MADE_AT)

    async def test_a_body_changed_after_signing_is_refused(self) -> None:
        payload, headers = FakeStripe.sign(event(), SECRET)
        tampered = payload.replace(b"pi_1", b"pi_2")
        with pytest.raises(InvalidWebhook, match=UNVERIFIED):
            await receive(tampered, headers["Stripe-Signature"], OneStore(), URLS, MADE_AT)
