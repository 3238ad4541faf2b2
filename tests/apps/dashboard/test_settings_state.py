"""Store Settings > Payments: the store, its payments status and activation, through the
real API."""

import pytest
from dashboard.activation_form import activation_request, gateway_label
from dashboard.state.settings import SettingsState

from tests.apps.dashboard.conftest import (
    api_down,
    everything_held,
    run,
    session_token,
    state_of,
    upload,
)
from tests.factories import ApiClient, StoreClient, image_bytes

STRIPE_KEYS = {
    "stripe_secret_key": "sk_test_51PaylinksDashboardSecret",
    "stripe_publishable_key": "pk_test_51PaylinksDashboardPublic",
    "stripe_webhook_secret": "whsec_PaylinksDashboardSigning",
}


async def settings_of(api: ApiClient, store: StoreClient) -> SettingsState:
    state = state_of(SettingsState, await session_token(api, store))
    await state.require_session()
    await state.load()
    return state


@pytest.fixture
async def new_store(api: ApiClient) -> StoreClient:
    return await api.create_store(activate=False, currency="EUR", name="Corner Bakery")


async def test_a_new_store_sees_its_details_and_the_activation_form(
    api: ApiClient, new_store: StoreClient
) -> None:
    state = await settings_of(api, new_store)
    assert state.store_name == "Corner Bakery"
    assert state.currency == "EUR"
    assert state.store_created
    assert state.payments_activated is False
    assert state.show_activation_form is True
    assert state.gateway_choice == "sandbox"


async def test_activating_the_sandbox_brings_payment_links(
    api: ApiClient, new_store: StoreClient
) -> None:
    state = await settings_of(api, new_store)
    events = await run(state.activate({}))
    assert state.payments_activated is True  # the sidebar shows Payment Links from now
    assert state.gateway == "sandbox"
    assert state.test_mode is True
    assert state.gateway_name == "Sandbox (test mode)"
    assert state.activated_on
    assert state.show_activation_form is False
    assert not state.activation_errors
    assert events[-1] is not None  # a toast says so
    store = (await new_store.get("/v1/store")).json()
    assert store["payments_activated"] is True
    assert store["gateway"] == "sandbox"


async def test_stripe_keys_left_out_are_named_and_nothing_is_sent(
    api: ApiClient, new_store: StoreClient
) -> None:
    state = await settings_of(api, new_store)
    state.choose_gateway("stripe")
    await run(state.activate({"stripe_secret_key": "  "}))
    assert set(state.activation_errors) == {
        "stripe_secret_key",
        "stripe_publishable_key",
        "stripe_webhook_secret",
    }
    assert state.payments_activated is False
    assert (await new_store.get("/v1/store")).json()["payments_activated"] is False


async def test_badly_formed_stripe_keys_are_refused_next_to_their_fields(
    api: ApiClient, new_store: StoreClient
) -> None:
    state = await settings_of(api, new_store)
    state.choose_gateway("stripe")
    await run(
        state.activate(
            {
                "stripe_secret_key": "pk_live_wrong_one",
                "stripe_publishable_key": "sk_test_also_wrong",
                "stripe_webhook_secret": "secret",
            }
        )
    )
    assert "sk_test_" in state.activation_errors["stripe_secret_key"]
    assert "pk_test_" in state.activation_errors["stripe_publishable_key"]
    assert "whsec_" in state.activation_errors["stripe_webhook_secret"]
    assert state.activation_notice == ""
    assert state.payments_activated is False
    assert state.activating is False


async def test_stripe_activation_keeps_no_key_in_the_state(
    api: ApiClient, new_store: StoreClient
) -> None:
    state = await settings_of(api, new_store)
    state.choose_gateway("stripe")
    await run(state.activate(dict(STRIPE_KEYS)))
    assert state.payments_activated is True
    assert state.gateway == "stripe"
    assert state.test_mode is False
    assert state.show_activation_form is False
    held = everything_held(state)
    assert STRIPE_KEYS["stripe_secret_key"] not in held
    assert STRIPE_KEYS["stripe_webhook_secret"] not in held
    # Nor does the API give them back.
    answered = (await new_store.get("/v1/store")).text
    assert STRIPE_KEYS["stripe_secret_key"] not in answered
    assert STRIPE_KEYS["stripe_webhook_secret"] not in answered


async def test_an_activated_store_can_change_its_gateway_or_not(
    api: ApiClient, store: StoreClient
) -> None:
    state = await settings_of(api, store)
    assert state.payments_activated is True
    assert state.show_activation_form is False
    state.start_switching()
    assert state.show_activation_form is True
    state.cancel_switching()
    assert state.show_activation_form is False
    state.start_switching()
    state.choose_gateway("stripe")
    await run(state.activate(dict(STRIPE_KEYS)))
    assert state.gateway == "stripe"
    assert state.show_activation_form is False


async def test_the_api_being_down_is_said_not_crashed(
    api: ApiClient, new_store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = await settings_of(api, new_store)

    api_down(monkeypatch)
    await run(state.activate({}))
    assert "cannot be reached" in state.activation_notice
    assert state.payments_activated is False
    assert state.activating is False
    assert await state.load() is not None  # a toast, not an exception


class TestActivationRequest:
    def test_the_sandbox_needs_nothing_and_sends_no_key(self) -> None:
        assert activation_request("sandbox", STRIPE_KEYS) == ({"gateway": "sandbox"}, {})

    def test_stripe_sends_the_trimmed_keys(self) -> None:
        body, errors = activation_request(
            "stripe", {name: f"  {value} " for name, value in STRIPE_KEYS.items()}
        )
        assert errors == {}
        assert body == {"gateway": "stripe", **STRIPE_KEYS}

    def test_an_unknown_gateway_is_refused(self) -> None:
        assert activation_request("paypal", {})[1] == {"gateway": "Choose Sandbox or Stripe."}

    def test_gateways_have_readable_names(self) -> None:
        assert gateway_label("stripe") == "Stripe"
        assert gateway_label("") == "None"


class TestStoreDetails:
    async def test_saves_name_country_colour_and_receipts(
        self, api: ApiClient, new_store: StoreClient
    ) -> None:
        state = await settings_of(api, new_store)
        assert (state.country, state.brand_color, state.receipts_enabled) == ("DE", "", True)
        form = {"name": "Bakery", "country": "AT", "brand_color": "#FFD400"}
        await run(state.save_store(form))
        assert not state.store_errors
        assert (state.store_name, state.country, state.brand_color) == ("Bakery", "AT", "#ffd400")
        assert state.receipts_enabled is False  # the box was not ticked
        store = (await new_store.get("/v1/store")).json()
        assert (store["country"], store["receipts_enabled"]) == ("AT", False)
        assert state.phone_example == "0664 123456"

    async def test_bad_fields_are_named_next_to_them(
        self, api: ApiClient, new_store: StoreClient
    ) -> None:
        state = await settings_of(api, new_store)
        form = {"name": "Bakery", "country": "XX", "brand_color": "blue", "receipts_enabled": "on"}
        await run(state.save_store(form))
        assert set(state.store_errors) == {"country", "brand_color"}
        assert (await new_store.get("/v1/store")).json()["name"] == "Corner Bakery"


class TestLogo:
    async def test_an_uploaded_logo_becomes_the_stores(
        self, api: ApiClient, new_store: StoreClient
    ) -> None:
        state = await settings_of(api, new_store)
        await run(state.upload_logo([upload(image_bytes("PNG"))]))
        assert not state.logo_error
        store = (await new_store.get("/v1/store")).json()
        assert store["logo_image_id"]
        assert state.logo_url == store["logo_url"]
        assert store["logo_url"].endswith(f"/v1/images/{store['logo_image_id']}")
        await state.remove_logo()
        assert state.logo_url == ""
        assert (await new_store.get("/v1/store")).json()["logo_image_id"] is None

    async def test_a_file_that_is_no_image_is_refused(
        self, api: ApiClient, new_store: StoreClient
    ) -> None:
        state = await settings_of(api, new_store)
        await run(state.upload_logo([upload(b"%PDF-1.4 not an image", "fake.png")]))
        assert state.logo_error
        assert (await new_store.get("/v1/store")).json()["logo_image_id"] is None
