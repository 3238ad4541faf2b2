"""The Stripe gateway end to end, against a fake Stripe on 127.0.0.1: PaymentIntents with
manual capture, the capacity rules around the capture, webhooks and refunds."""

import logging
import time

import httpx
import pytest

from paylinks.events.tables import EventTable
from paylinks.gateways.stripe_events import UNVERIFIED
from paylinks.gateways.tables import GatewayEventTable
from paylinks.refunds.model import RefundStatus
from paylinks.refunds.service import process_refund
from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from tests.api.stripe.conftest import (
    SECRET_KEY,
    WEBHOOK,
    WEBHOOK_SECRET,
    deliver,
    intent_of,
    link_of,
    paid_events,
    pay,
    payment,
    start,
)
from tests.conftest import FrozenClock
from tests.factories import (
    STRIPE_PUBLISHABLE_KEY,
    ApiClient,
    Customer,
    StoreClient,
    activate_stripe,
    confirm_with_payment_element,
)
from tests.fakes.stripe_server import CARD_DECLINED, CARD_REFUND_FAILS, FakeStripe


class TestCheckout:
    async def test_authorised_then_captured_exactly_once(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(amount=1450)
        public = (await customer.client.get(f"/v1/checkout/links/{link['id']}")).json()
        assert (public["gateway"], public["stripe_publishable_key"]) == (
            "stripe",
            STRIPE_PUBLISHABLE_KEY,
        )
        started = await start(customer, link["id"])
        intent = intent_of(fake, started["id"])
        assert started["status"] == "pending"
        assert started["client_secret"] == intent["client_secret"]
        assert (intent["amount"], intent["currency"], intent["capture_method"]) == (
            1450,
            "gbp",
            "manual",
        )
        assert intent["automatic_payment_methods"] == {"enabled": True}
        assert intent["metadata"] == {
            "paylinks_payment_id": started["id"],
            "paylinks_store_id": store.store_id,
            "paylinks_payment_link_id": link["id"],
        }
        (create,) = [r for r in fake.requests if r["path"] == "/v1/payment_intents"]
        assert create["idempotency_key"] == started["id"]
        assert create["key_last4"] == SECRET_KEY[-4:]

        fake.simulate_customer_confirm(intent["id"])
        confirmed = await confirm_with_payment_element(customer.client, started["id"])
        assert confirmed.status_code == 200, confirmed.text
        body = confirmed.json()
        assert (body["status"], body["reference"]) == ("succeeded", intent["id"])
        assert body["after_payment"]["type"] == "thank_you"
        assert fake.captures[intent["id"]] == 1
        assert fake.intent(intent["id"])["status"] == "succeeded"
        merchant_view = await payment(store, started["id"])
        assert (merchant_view["card_last4"], merchant_view["gateway"]) == ("4242", "stripe")
        link_now = await link_of(store, link["id"])
        assert (link_now["payments_count"], link_now["amount_collected"]) == (1, 1450)

        again = await confirm_with_payment_element(customer.client, started["id"])
        assert again.status_code == 409
        assert again.json()["code"] == "payment_not_pending"
        assert fake.captures[intent["id"]] == 1

    async def test_a_stripe_payment_is_never_settled_by_the_sandbox_after_a_switch(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off", amount=1450)
        started = await start(customer, link["id"])
        switched = await store.post("/v1/store/payments/activate", json={"gateway": "sandbox"})
        assert switched.status_code == 200, switched.text
        confirmed = await customer.client.post(
            f"/v1/checkout/payments/{started['id']}/confirm",
            json={
                "card": {
                    "number": "4242424242424242",
                    "exp_month": 12,
                    "exp_year": 2030,
                    "cvc": "123",
                }
            },
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["status"] == "failed"
        assert "no longer has stripe keys" in confirmed.json()["failure_reason"]
        after = await link_of(store, link["id"])
        assert (after["status"], after["payments_count"]) == ("active", 0)
        assert await paid_events(link["id"]) == 0
        assert not fake.captures

    async def test_a_declined_card_fails_and_frees_the_slot(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        declined = await pay(fake, customer, link["id"], CARD_DECLINED)
        assert (declined["status"], declined["failure_reason"]) == (
            "failed",
            "Your card was declined.",
        )
        assert not fake.captures
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        assert paid["status"] == "succeeded"
        link_now = await link_of(store, link["id"])
        assert (link_now["status"], link_now["inactive_reason"]) == ("inactive", "completed")
        assert sum(fake.captures.values()) == 1

    async def test_an_authorisation_after_the_hold_ran_out_is_canceled(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        clock: FrozenClock,
        settings: Settings,
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        clock.advance(seconds=settings.reservation_seconds + 1)
        fake.simulate_customer_confirm(intent_id)
        late = await confirm_with_payment_element(customer.client, started["id"])
        assert late.status_code == 409
        assert late.json()["code"] == "payment_expired"
        assert fake.intent(intent_id)["status"] == "canceled"
        assert fake.captures[intent_id] == 0
        assert (await payment(store, started["id"]))["status"] == "canceled"
        assert (await customer.start(link["id"])).status_code == 201

    async def test_a_payment_still_processing_is_finished_by_the_webhook(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        fake.simulate_processing(intent_id)
        waiting = await confirm_with_payment_element(customer.client, started["id"])
        assert waiting.status_code == 200
        assert waiting.json()["status"] == "pending"
        authorised = fake.simulate_customer_confirm(intent_id)
        event = fake.event("payment_intent.amount_capturable_updated", authorised)
        assert (await deliver(customer.client, fake, event)).status_code == 200
        assert (await payment(store, started["id"]))["status"] == "succeeded"
        assert fake.captures[intent_id] == 1

    async def test_stripe_down_at_start_frees_the_slot(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        fake.down = True
        response = await customer.start(link["id"])
        assert response.status_code == 409
        assert response.json()["code"] == "gateway_unavailable"
        fake.down = False
        assert (await customer.start(link["id"])).status_code == 201


class TestWebhooks:
    async def test_authorised_event_captures_and_a_second_delivery_changes_nothing(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        event = fake.event(
            "payment_intent.amount_capturable_updated", fake.simulate_customer_confirm(intent_id)
        )
        first = await deliver(customer.client, fake, event)
        assert first.status_code == 200, first.text
        assert first.json() == {"received": True, "outcome": "processed"}
        assert (await payment(store, started["id"]))["status"] == "succeeded"
        assert fake.captures[intent_id] == 1

        second = await deliver(customer.client, fake, event)
        assert second.status_code == 200
        assert second.json()["outcome"] == "duplicate"
        assert fake.captures[intent_id] == 1
        assert await paid_events(link["id"]) == 1
        assert (await link_of(store, link["id"]))["payments_count"] == 1
        row = await GatewayEventTable.select().where(GatewayEventTable.id == event["id"]).first()
        assert row is not None
        assert (row["store_id"], row["type"]) == (store.store_id, event["type"])
        assert row["processed_at"] is not None
        # The browser's confirmation arrives after the webhook: nothing more happens.
        late = await confirm_with_payment_element(customer.client, started["id"])
        assert late.status_code == 409
        assert fake.captures[intent_id] == 1

    async def test_an_event_stripe_cannot_confirm_is_applied_on_redelivery(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        event = fake.event(
            "payment_intent.amount_capturable_updated", fake.simulate_customer_confirm(intent_id)
        )
        fake.down = True
        refused = await deliver(customer.client, fake, event)
        assert refused.status_code == 409
        assert refused.json()["code"] == "gateway_unavailable"
        assert (await payment(store, started["id"]))["status"] == "pending"
        assert await GatewayEventTable.count() == 0
        fake.down = False
        retried = await deliver(customer.client, fake, event)
        assert retried.json()["outcome"] == "processed"
        assert (await payment(store, started["id"]))["status"] == "succeeded"
        assert fake.captures[intent_id] == 1

    async def test_payment_failed_event_fails_and_frees_the_slot(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        event = fake.event(
            "payment_intent.payment_failed",
            fake.simulate_customer_confirm(intent_id, CARD_DECLINED),
        )
        assert (await deliver(customer.client, fake, event)).status_code == 200
        failed = await payment(store, started["id"])
        assert (failed["status"], failed["failure_reason"]) == (
            "failed",
            "Your card was declined.",
        )
        assert (await customer.start(link["id"])).status_code == 201

    async def test_an_authorisation_after_the_hold_ran_out_is_canceled(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        clock: FrozenClock,
        settings: Settings,
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        clock.advance(seconds=settings.reservation_seconds + 1)
        event = fake.event(
            "payment_intent.amount_capturable_updated", fake.simulate_customer_confirm(intent_id)
        )
        assert (await deliver(customer.client, fake, event)).status_code == 200
        assert fake.intent(intent_id)["status"] == "canceled"
        assert fake.captures[intent_id] == 0
        assert (await payment(store, started["id"]))["status"] == "canceled"
        assert await paid_events(link["id"]) == 0

    async def test_an_authorisation_for_a_swept_payment_is_released(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        clock: FrozenClock,
        settings: Settings,
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        clock.advance(seconds=settings.reservation_seconds + 1)
        # Another customer's start sweeps the timed-out hold first.
        await start(customer, link["id"])
        event = fake.event(
            "payment_intent.amount_capturable_updated", fake.simulate_customer_confirm(intent_id)
        )
        assert (await deliver(customer.client, fake, event)).status_code == 200
        assert fake.intent(intent_id)["status"] == "canceled"
        assert fake.captures[intent_id] == 0

    async def test_a_swept_payment_captured_by_hand_is_refunded_in_full(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        clock: FrozenClock,
        settings: Settings,
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        clock.advance(seconds=settings.reservation_seconds + 1)
        await start(customer, link["id"])  # sweeps the timed-out hold
        fake.simulate_customer_confirm(intent_id)
        captured = fake.simulate_capture_by_hand(intent_id)
        for _ in range(2):  # Stripe sends it again: a new event id, the same refund
            event = fake.event("payment_intent.succeeded", captured)
            assert (await deliver(customer.client, fake, event)).status_code == 200
        [refund] = fake.refunds_of(intent_id)
        assert (refund["amount"], refund["status"]) == (link["amount"], "succeeded")
        assert (await payment(store, started["id"]))["status"] == "canceled"
        after = await link_of(store, link["id"])
        assert (after["payments_count"], after["amount_collected"]) == (0, 0)
        assert await paid_events(link["id"]) == 0

    async def test_canceled_event_cancels_a_pending_payment(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        started = await start(customer, link["id"])
        intent = {**intent_of(fake, started["id"]), "status": "canceled"}
        assert (
            await deliver(customer.client, fake, fake.event("payment_intent.canceled", intent))
        ).status_code == 200
        assert (await payment(store, started["id"]))["status"] == "canceled"
        assert (await customer.start(link["id"])).status_code == 201

    async def test_succeeded_event_after_the_confirmation_changes_nothing(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        intent = intent_of(fake, paid["id"])
        response = await deliver(
            customer.client, fake, fake.event("payment_intent.succeeded", intent)
        )
        assert response.json()["outcome"] == "processed"
        assert (await payment(store, paid["id"]))["status"] == "succeeded"
        assert fake.captures[intent["id"]] == 1
        assert await paid_events(link["id"]) == 1

    @pytest.mark.parametrize("fault", ["wrong_secret", "stale", "missing", "tampered"])
    async def test_a_bad_signature_is_refused_and_changes_nothing(
        self, fake: FakeStripe, store: StoreClient, customer: Customer, fault: str
    ) -> None:
        link = await store.create_link()
        started = await start(customer, link["id"])
        intent_id = intent_of(fake, started["id"])["id"]
        event = fake.event(
            "payment_intent.amount_capturable_updated", fake.simulate_customer_confirm(intent_id)
        )
        secret = "whsec_not_the_stores_secret" if fault == "wrong_secret" else WEBHOOK_SECRET
        timestamp = int(time.time()) - 301 if fault == "stale" else None
        body, headers = fake.sign(event, secret, timestamp)
        if fault == "missing":
            del headers["Stripe-Signature"]
        if fault == "tampered":
            body = body.replace(b'"amount": 1450', b'"amount": 1')
        response = await customer.client.post(WEBHOOK, content=body, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert (response.json()["code"], response.json()["detail"]) == (
            "invalid_webhook",
            UNVERIFIED,
        )
        assert (await payment(store, started["id"]))["status"] == "pending"
        assert fake.captures[intent_id] == 0
        assert await GatewayEventTable.count() == 0

    async def test_a_store_that_is_not_on_stripe_is_refused(
        self, api: ApiClient, fake: FakeStripe, customer: Customer
    ) -> None:
        sandbox = await api.create_store()
        for store_id in (sandbox.store_id, "store_unknown"):
            intent = {
                "id": "pi_x",
                "object": "payment_intent",
                "status": "requires_capture",
                "metadata": {"paylinks_store_id": store_id},
            }
            event = fake.event("payment_intent.amount_capturable_updated", intent)
            response = await deliver(customer.client, fake, event)
            assert response.status_code == 400
            assert (response.json()["code"], response.json()["detail"]) == (
                "invalid_webhook",
                UNVERIFIED,
            )

    async def test_a_body_that_is_not_an_event_is_refused(self, customer: Customer) -> None:
        for body in (b"", b"not json", b"[]", b'{"id": "evt_1"}'):
            response = await customer.client.post(WEBHOOK, content=body)
            assert response.status_code == 400
            assert response.json()["code"] == "invalid_webhook"

    async def test_events_that_are_not_ours_are_acknowledged_and_ignored(
        self, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        foreign = fake.event("payment_intent.succeeded", {"id": "pi_foreign", "metadata": {}})
        response = await customer.client.post(WEBHOOK, content=fake.sign(foreign, "whsec_x")[0])
        assert response.json() == {"received": True, "outcome": "ignored"}
        ours = {"metadata": {"paylinks_store_id": store.store_id}}
        unhandled = fake.event("charge.succeeded", {"id": "ch_1", "object": "charge", **ours})
        assert (await deliver(customer.client, fake, unhandled)).json()["outcome"] == "ignored"
        unknown = fake.event(
            "payment_intent.amount_capturable_updated",
            {"id": "pi_unknown", "object": "payment_intent", "status": "requires_capture", **ours},
        )
        response = await deliver(customer.client, fake, unknown)
        assert (response.status_code, response.json()["outcome"]) == (200, "processed")
        assert not fake.captures

    async def test_a_store_cannot_touch_another_stores_payment(
        self, api: ApiClient, fake: FakeStripe, store: StoreClient, customer: Customer
    ) -> None:
        other = await api.create_store(activate=False, name="Mallory")
        other_secret = "whsec_MalloryOwnSigningSecret000000000000"
        await activate_stripe(other, "sk_test_51MalloryKey000000000000000000", other_secret)
        link = await store.create_link()
        started = await start(customer, link["id"])
        intent = fake.simulate_customer_confirm(intent_of(fake, started["id"])["id"])
        forged = {**intent, "metadata": {**intent["metadata"], "paylinks_store_id": other.store_id}}
        event = fake.event("payment_intent.amount_capturable_updated", forged)
        response = await deliver(customer.client, fake, event, secret=other_secret)
        assert response.status_code == 200
        assert (await payment(store, started["id"]))["status"] == "pending"
        assert fake.captures[intent["id"]] == 0


class TestRefunds:
    async def test_a_refund_succeeds(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        link = await store.create_link()
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        created = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 450})
        assert created.status_code == 201, created.text
        refund = created.json()
        assert refund["status"] == "pending"
        status = await process_refund(refund["id"], ctx.gateways, ctx.urls, clock())
        assert status is RefundStatus.SUCCEEDED
        settled = (await store.get(f"/v1/refunds/{refund['id']}")).json()
        assert settled["status"] == "succeeded"
        at_stripe = fake.refund(settled["reference"])
        assert (at_stripe["amount"], at_stripe["payment_intent"]) == (
            450,
            intent_of(fake, paid["id"])["id"],
        )
        assert at_stripe["metadata"] == {
            "paylinks_refund_id": refund["id"],
            "paylinks_store_id": store.store_id,
        }
        (create,) = [r for r in fake.requests if r["path"] == "/v1/refunds"]
        assert create["idempotency_key"] == refund["id"]
        after = await payment(store, paid["id"])
        assert (after["status"], after["amount_refunded"], after["amount_refundable"]) == (
            "partially_refunded",
            450,
            1000,
        )
        again = await process_refund(refund["id"], ctx.gateways, ctx.urls, clock())
        assert again is RefundStatus.SUCCEEDED
        assert len([r for r in fake.requests if r["path"] == "/v1/refunds"]) == 1

    async def test_a_stripe_payment_is_not_refunded_by_the_sandbox_after_a_switch(
        self,
        fake: FakeStripe,
        ctx: ApiContext,
        store: StoreClient,
        customer: Customer,
        clock: FrozenClock,
    ) -> None:
        link = await store.create_link(amount=3000)
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        switched = await store.post("/v1/store/payments/activate", json={"gateway": "sandbox"})
        assert switched.status_code == 200, switched.text
        asked = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1000})
        assert asked.status_code == 201, asked.text
        await process_refund(asked.json()["id"], ctx.gateways, ctx.urls, clock())
        refund = (await store.get(f"/v1/refunds/{asked.json()['id']}")).json()
        assert refund["status"] == "failed"
        after = await payment(store, paid["id"])
        assert (after["status"], after["amount_refunded"]) == ("succeeded", 0)
        assert not [o for o in fake.objects.values() if o.get("object") == "refund"]

    async def test_a_failed_refund_frees_its_amount(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        link = await store.create_link()
        paid = await pay(fake, customer, link["id"], CARD_REFUND_FAILS)
        refund = (await store.post(f"/v1/payments/{paid['id']}/refunds", json={})).json()
        assert (await payment(store, paid["id"]))["amount_refundable"] == 0
        status = await process_refund(refund["id"], ctx.gateways, ctx.urls, clock())
        assert status is RefundStatus.FAILED
        failed = (await store.get(f"/v1/refunds/{refund['id']}")).json()
        assert (failed["status"], failed["failure_reason"]) == (
            "failed",
            "The card has expired or was canceled.",
        )
        after = await payment(store, paid["id"])
        assert (after["status"], after["amount_refunded"], after["amount_refundable"]) == (
            "succeeded",
            0,
            1450,
        )

    async def test_a_pending_refund_is_settled_by_the_webhook(
        self,
        fake: FakeStripe,
        store: StoreClient,
        customer: Customer,
        ctx: ApiContext,
        clock: FrozenClock,
    ) -> None:
        link = await store.create_link()
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        fake.refund_status = "pending"
        refund = (await store.post(f"/v1/payments/{paid['id']}/refunds", json={})).json()
        status = await process_refund(refund["id"], ctx.gateways, ctx.urls, clock())
        assert status is RefundStatus.PENDING
        reference = (await store.get(f"/v1/refunds/{refund['id']}")).json()["reference"]
        event = fake.event("refund.updated", fake.settle_refund(reference, "succeeded"))
        for outcome in ("processed", "duplicate"):
            response = await deliver(customer.client, fake, event)
            assert response.json()["outcome"] == outcome
        assert (await store.get(f"/v1/refunds/{refund['id']}")).json()["status"] == "succeeded"
        after = await payment(store, paid["id"])
        assert (after["status"], after["amount_refunded"]) == ("fully_refunded", 1450)
        events = await EventTable.count().where(EventTable.type == "payment_link.refund.succeeded")
        assert events == 1
        assert await process_refund(refund["id"], ctx.gateways, ctx.urls, clock()) is (
            RefundStatus.SUCCEEDED
        )


class TestSecrets:
    async def test_the_secret_key_never_appears_in_answers_or_logs(
        self,
        api: ApiClient,
        fake: FakeStripe,
        customer: Customer,
        ctx: ApiContext,
        clock: FrozenClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        answers: list[httpx.Response] = []

        async def keep(response: httpx.Response) -> None:
            await response.aread()
            answers.append(response)

        api.client.event_hooks["response"].append(keep)
        store = await api.create_store(activate=False)
        await activate_stripe(store, SECRET_KEY, WEBHOOK_SECRET)
        await store.get("/v1/store")
        link = await store.create_link()
        paid = await pay(fake, customer, link["id"], "4242424242424242")
        refund = (await store.post(f"/v1/payments/{paid['id']}/refunds", json={})).json()
        fake.down = True
        # An outage never fails a refund (it may exist at Stripe already): it waits.
        assert await process_refund(refund["id"], ctx.gateways, ctx.urls, clock()) is (
            RefundStatus.PENDING
        )
        assert (await customer.start(link["id"])).status_code == 409
        fake.down = False
        assert await process_refund(refund["id"], ctx.gateways, ctx.urls, clock()) is (
            RefundStatus.SUCCEEDED
        )
        settled = (await store.get(f"/v1/refunds/{refund['id']}")).json()
        assert settled["status"] == "succeeded"
        await deliver(
            customer.client,
            fake,
            fake.event("payment_intent.succeeded", intent_of(fake, paid["id"])),
            "whsec_x",
        )
        # A key Stripe refuses: the error names the key only as Stripe redacts it.
        refused = "sk_live_51RefusedKey0123456789abcdefghijkl"
        await activate_stripe(store, refused, WEBHOOK_SECRET)
        refused_start = await customer.start(link["id"])
        assert refused_start.status_code == 409
        await store.get(f"/v1/payment-links/{link['id']}/payments")

        assert len(answers) > 10
        for secret in (SECRET_KEY, refused, WEBHOOK_SECRET):
            for answer in answers:
                assert secret not in answer.text
                assert all(secret not in value for value in answer.headers.values())
            assert secret not in caplog.text
        assert refused_start.json()["code"] == "gateway_unavailable"
