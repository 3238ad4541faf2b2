"""Stores on the Stripe gateway, against a local fake of Stripe's API: the fixtures, and
the customer's and Stripe's steps the suites share."""

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from paylinks.events.tables import EventTable
from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from tests.conftest import FrozenClock
from tests.factories import (
    ApiClient,
    Customer,
    StoreClient,
    activate_stripe,
    confirm_with_payment_element,
)
from tests.fakes.stripe_server import FakeStripe

SECRET_KEY = "sk_test_51PaylinksStoreSecretKey0123456789abcdef"
WEBHOOK_SECRET = "whsec_PaylinksWebhookSigningSecret0123456789"
WEBHOOK = "/v1/gateways/stripe/webhook"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
async def settings(settings: Settings, fake: FakeStripe) -> Settings:
    """The shared settings, with the Stripe SDK pointed at the fake."""
    return msgspec.structs.replace(settings, stripe_api_base=fake.url)


@pytest.fixture
def ctx(settings: Settings, clock: FrozenClock) -> ApiContext:
    """What a worker job gets: the gateways and public URLs of these settings."""
    assert settings.stripe_api_base.startswith("http://127.0.0.1:")
    return ApiContext.from_settings(settings, clock)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    """A store activated with Stripe keys."""
    store = await api.create_store(activate=False)
    await activate_stripe(store, SECRET_KEY, WEBHOOK_SECRET)
    return store


@pytest.fixture
def customer(api: ApiClient) -> Customer:
    return Customer(api.client)


def intent_of(fake: FakeStripe, payment_id: str) -> dict[str, Any]:
    (intent,) = [
        i for i in fake.intents() if i["metadata"].get("paylinks_payment_id") == payment_id
    ]
    return intent


async def start(customer: Customer, link_id: str) -> dict[str, Any]:
    response = await customer.start(link_id)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deliver(
    client: httpx.AsyncClient,
    fake: FakeStripe,
    event: dict[str, Any],
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
) -> httpx.Response:
    body, headers = fake.sign(event, secret, timestamp)
    return await client.post(WEBHOOK, content=body, headers=headers)


async def payment(store: StoreClient, payment_id: str) -> dict[str, Any]:
    response = await store.get(f"/v1/payments/{payment_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def link_of(store: StoreClient, link_id: str) -> dict[str, Any]:
    return dict((await store.get(f"/v1/payment-links/{link_id}")).json())


async def paid_events(link_id: str) -> int:
    return int(
        await EventTable.count().where(
            (EventTable.type == "payment_link.paid") & (EventTable.payment_link_id == link_id)
        )
    )


async def pay(fake: FakeStripe, customer: Customer, link_id: str, card: str) -> dict[str, Any]:
    started = await start(customer, link_id)
    fake.simulate_customer_confirm(intent_of(fake, started["id"])["id"], card)
    confirmed = await confirm_with_payment_element(customer.client, started["id"])
    assert confirmed.status_code == 200, confirmed.text
    return dict(confirmed.json())
