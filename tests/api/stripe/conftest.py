"""Stores on the Stripe gateway, against a local fake of Stripe's API."""

from collections.abc import Iterator

import msgspec
import pytest

from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from tests.conftest import FrozenClock
from tests.factories import ApiClient, StoreClient, activate_stripe
from tests.fakes.stripe_server import FakeStripe

SECRET_KEY = "sk_test_51PaylinksStoreSecretKey0123456789abcdef"
WEBHOOK_SECRET = "whsec_PaylinksWebhookSigningSecret0123456789"


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
