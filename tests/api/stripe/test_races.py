"""Stripe confirmations racing the hold's end, each other and Stripe's outages: the
database decides first, so no payment is counted as paid once its authorisation was
released, nothing a customer authorised is left held, and no refund the gateway may still
make is freed for the merchant to make again."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from paylinks.gateways.model import Authorization
from paylinks.gateways.stripe import StripeGateway
from paylinks.payments.model import Card, Payment
from paylinks.payments.service import ask_gateway
from paylinks.payments.voids import claim_voids, void_at_gateway
from paylinks.refunds.service import process_refund
from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from tests.api.stripe.conftest import (
    intent_of,
    link_of,
    paid_events,
    pay,
    payment,
    start,
)
from tests.conftest import FrozenClock
from tests.factories import Customer, StoreClient, confirm_with_payment_element
from tests.fakes.stripe_server import FakeStripe


async def test_a_confirmation_outlived_by_its_hold_is_never_counted_as_paid(
    fake: FakeStripe,
    store: StoreClient,
    customer: Customer,
    clock: FrozenClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    link = await store.create_link(type="one_off")
    started = await start(customer, link["id"])
    intent_id = intent_of(fake, started["id"])["id"]
    fake.simulate_customer_confirm(intent_id)
    asked, answer, answered = asyncio.Event(), asyncio.Event(), asyncio.Event()
    authorize, cancel = StripeGateway.authorize, StripeGateway.cancel

    async def slow(self: StripeGateway, paying: Payment, card: Card | None) -> Authorization:
        authorization = await authorize(self, paying, card)
        asked.set()
        await answer.wait()
        return authorization

    async def cancel_then_let_the_answer_in(self: StripeGateway, paying: Payment) -> None:
        await cancel(self, paying)
        if not answer.is_set():  # the retry releasing the authorisation: now Stripe answers
            answer.set()
            await asyncio.wait_for(answered.wait(), 10)

    monkeypatch.setattr(StripeGateway, "authorize", slow)
    monkeypatch.setattr(StripeGateway, "cancel", cancel_then_let_the_answer_in)

    async def confirm() -> Any:
        try:
            return await confirm_with_payment_element(customer.client, started["id"])
        finally:
            answered.set()

    clock.advance(seconds=settings.start_hold_seconds - 1)  # the start's short hold
    first = asyncio.create_task(confirm())
    await asyncio.wait_for(asked.wait(), 10)
    # The confirmation made it the full reservation, which ran out while Stripe answered.
    clock.advance(seconds=settings.reservation_seconds + 1)
    retried = await confirm_with_payment_element(customer.client, started["id"])
    confirmed = await first

    assert retried.status_code == 409
    assert retried.json()["code"] == "payment_expired"
    assert confirmed.status_code == 409
    assert confirmed.json()["code"] == "payment_expired"
    assert fake.intent(intent_id)["status"] == "canceled"
    assert fake.captures[intent_id] == 0
    assert (await payment(store, started["id"]))["status"] == "canceled"
    after = await link_of(store, link["id"])
    assert (after["status"], after["payments_count"], after["amount_collected"]) == (
        "active",
        0,
        0,
    )
    assert await paid_events(link["id"]) == 0


async def test_the_hold_is_judged_when_the_gateway_answered() -> None:
    class Slow:
        async def authorize(self, paying: Payment, card: Card | None) -> Authorization:
            await asyncio.sleep(0.2)
            return Authorization(approved=True)

    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    _, answered = await ask_gateway(Slow(), None, None, now)  # type: ignore[arg-type]
    assert answered - now >= timedelta(seconds=0.2)


async def test_an_authorisation_for_a_deactivated_link_is_released(
    fake: FakeStripe,
    store: StoreClient,
    customer: Customer,
    ctx: ApiContext,
    clock: FrozenClock,
) -> None:
    link = await store.create_link()
    started = await start(customer, link["id"])
    intent_id = intent_of(fake, started["id"])["id"]
    fake.simulate_customer_confirm(intent_id)
    assert (await store.post(f"/v1/payment-links/{link['id']}/deactivate")).status_code == 200
    refused = await confirm_with_payment_element(customer.client, started["id"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "link_inactive"
    assert (await payment(store, started["id"]))["status"] == "canceled"
    assert await claim_voids(clock()) == [started["id"]]
    assert await void_at_gateway(started["id"], ctx.gateways, clock())
    assert fake.intent(intent_id)["status"] == "canceled"
    assert fake.captures[intent_id] == 0


async def test_stripe_down_while_confirming_leaves_the_payment_to_decide_later(
    fake: FakeStripe, store: StoreClient, customer: Customer, clock: FrozenClock
) -> None:
    link = await store.create_link(type="one_off")
    started = await start(customer, link["id"])
    intent_id = intent_of(fake, started["id"])["id"]
    fake.simulate_customer_confirm(intent_id)
    fake.down = True
    waiting = await confirm_with_payment_element(customer.client, started["id"])
    assert waiting.status_code == 200, waiting.text
    assert waiting.json()["status"] == "pending"
    assert await claim_voids(clock()) == []
    fake.down = False
    confirmed = await confirm_with_payment_element(customer.client, started["id"])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    assert fake.captures[intent_id] == 1


async def test_a_refund_stripe_has_is_not_failed_when_stripe_cannot_be_asked(
    fake: FakeStripe,
    store: StoreClient,
    customer: Customer,
    ctx: ApiContext,
    clock: FrozenClock,
) -> None:
    link = await store.create_link(amount=5000)
    paid = await pay(fake, customer, link["id"], "4242424242424242")
    fake.refund_status = "pending"
    asked = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 3000})
    assert asked.status_code == 201, asked.text
    refund_id = asked.json()["id"]
    await process_refund(refund_id, ctx.gateways, ctx.urls, clock())
    # The store leaves Stripe: its keys are gone, so Stripe cannot be asked any more.
    switched = await store.post("/v1/store/payments/activate", json={"gateway": "sandbox"})
    assert switched.status_code == 200, switched.text
    await process_refund(refund_id, ctx.gateways, ctx.urls, clock())
    refund = (await store.get(f"/v1/refunds/{refund_id}")).json()
    assert refund["status"] == "pending"
    after = await payment(store, paid["id"])
    assert after["amount_refundable"] == 2000
    again = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 3000})
    assert again.status_code == 422, again.text
