"""Payments activation: payment links stay closed (409 ``payments_not_activated``) until the
store chooses its gateway; Stripe credentials are required for Stripe and never shown."""

from typing import Any

import pytest

from paylinks.stores.tables import StoreTable
from tests.factories import ApiClient, StoreClient, login

PROBLEM_JSON = "application/problem+json"
SOME_LINK = "plink_019dbc4d828174419d9ff9fae24aea7b"
STRIPE_KEY = "sk_test_51PaylinksTestSecretKey0123456789abcdefXYZ"
STRIPE_HOOK = "whsec_PaylinksTestWebhookSigningSecret0123456789"

# Every payment-link endpoint: (method, path, JSON body).
LINK_ENDPOINTS = [
    ("POST", "/v1/payment-links", {"title": "Espresso beans", "amount": 1450}),
    ("GET", "/v1/payment-links", None),
    ("GET", f"/v1/payment-links/{SOME_LINK}", None),
    ("POST", f"/v1/payment-links/{SOME_LINK}/deactivate", None),
    ("GET", f"/v1/payment-links/{SOME_LINK}/qr.png", None),
    ("GET", f"/v1/payment-links/{SOME_LINK}/qr.svg", None),
]


async def call(store: StoreClient, method: str, path: str, body: Any) -> Any:
    if method == "GET":
        return await store.get(path)
    return await store.post(path, json=body)


async def activate(store: StoreClient, **body: Any) -> Any:
    return await store.post("/v1/store/payments/activate", json=body)


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


class TestBeforeActivation:
    @pytest.mark.parametrize(
        ("method", "path", "body"), LINK_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in LINK_ENDPOINTS]
    )
    async def test_payment_link_endpoints_answer_409(
        self, api: ApiClient, method: str, path: str, body: Any
    ) -> None:
        store = await api.create_store(activate=False)

        response = await call(store, method, path, body)

        assert response.status_code == 409, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "payments_not_activated"

    async def test_store_shows_payments_not_activated(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await store.get("/v1/store")

        assert response.status_code == 200
        assert response.json()["payments_activated"] is False
        assert response.json()["gateway"] is None

    async def test_a_session_is_refused_too(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        token = (await login(api.client, store.email)).json()["token"]

        response = await api.client.get(
            "/v1/payment-links", headers={"Authorization": f"Bearer {token}"}
        )

        assert response.status_code == 409
        assert response.json()["code"] == "payments_not_activated"

    async def test_venues_and_keys_work_without_activation(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        venue = await store.post("/v1/venues", json={"name": "Market Street"})
        keys = await store.get("/v1/api-keys")

        assert venue.status_code == 201
        assert keys.status_code == 200


class TestActivateSandbox:
    async def test_store_shows_payments_activated(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await activate(store, gateway="sandbox")
        shown = await store.get("/v1/store")

        assert response.status_code == 200, response.text
        assert response.json()["payments_activated"] is True
        assert response.json()["gateway"] == "sandbox"
        assert response.json()["payments_activated_at"] is not None
        assert shown.json()["payments_activated"] is True
        assert shown.json()["gateway"] == "sandbox"

    async def test_payment_links_open_at_once(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        assert (await store.get("/v1/payment-links")).status_code == 409

        await activate(store, gateway="sandbox")
        created = await store.post(
            "/v1/payment-links", json={"title": "Espresso beans", "amount": 1450}
        )
        link_id = created.json()["id"]

        assert created.status_code == 201, created.text
        assert (await store.get("/v1/payment-links")).status_code == 200
        assert (await store.get(f"/v1/payment-links/{link_id}")).status_code == 200
        assert (await store.get(f"/v1/payment-links/{link_id}/qr.png")).status_code == 200
        assert (await store.get(f"/v1/payment-links/{link_id}/qr.svg")).status_code == 200
        assert (await store.post(f"/v1/payment-links/{link_id}/deactivate")).status_code == 200

    async def test_activation_is_per_store(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        other = await api.create_store(activate=False, name="Other Bakery")

        await activate(other, gateway="sandbox")

        assert (await store.get("/v1/store")).json()["payments_activated"] is False
        response = await store.get("/v1/payment-links")
        assert response.status_code == 409
        assert response.json()["code"] == "payments_not_activated"

    async def test_stripe_keys_with_sandbox_are_422_on_gateway(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await activate(store, gateway="sandbox", stripe_secret_key=STRIPE_KEY)

        assert response.status_code == 422
        assert fields(response) == {"gateway"}
        assert STRIPE_KEY not in response.text


class TestActivateStripe:
    async def test_without_keys_is_422_naming_both(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await activate(store, gateway="stripe")

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "validation_error"
        assert fields(response) == {"stripe_secret_key", "stripe_webhook_secret"}
        assert (await store.get("/v1/store")).json()["payments_activated"] is False

    @pytest.mark.parametrize(
        ("secret_key", "webhook_secret", "at_fault"),
        [
            ("pk_test_publishable", STRIPE_HOOK, {"stripe_secret_key"}),
            (STRIPE_KEY, "not-a-signing-secret", {"stripe_webhook_secret"}),
            ("   ", "   ", {"stripe_secret_key", "stripe_webhook_secret"}),
        ],
        ids=["publishable-key", "bad-webhook-secret", "blank"],
    )
    async def test_malformed_keys_are_422_naming_the_field(
        self, api: ApiClient, secret_key: str, webhook_secret: str, at_fault: set[str]
    ) -> None:
        store = await api.create_store(activate=False)

        response = await activate(
            store,
            gateway="stripe",
            stripe_secret_key=secret_key,
            stripe_webhook_secret=webhook_secret,
        )

        assert response.status_code == 422, response.text
        assert fields(response) == at_fault
        assert STRIPE_KEY not in response.text
        assert STRIPE_HOOK not in response.text

    async def test_with_keys_is_200_and_never_shows_them(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await activate(
            store, gateway="stripe", stripe_secret_key=STRIPE_KEY, stripe_webhook_secret=STRIPE_HOOK
        )

        assert response.status_code == 200, response.text
        assert response.json()["payments_activated"] is True
        assert response.json()["gateway"] == "stripe"
        assert STRIPE_KEY not in response.text
        assert STRIPE_HOOK not in response.text
        for path in ("/v1/store", "/v1/me"):
            shown = await store.get(path)
            assert shown.status_code == 200
            assert STRIPE_KEY not in shown.text
            assert STRIPE_HOOK not in shown.text
        assert (await store.get("/v1/store")).json()["gateway"] == "stripe"

    async def test_keys_are_not_stored_in_plain_text(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        await activate(
            store, gateway="stripe", stripe_secret_key=STRIPE_KEY, stripe_webhook_secret=STRIPE_HOOK
        )

        row = await StoreTable.select().where(StoreTable.id == store.store_id).first()
        stored = repr(row)
        assert row["stripe_secret_key_enc"]
        assert row["stripe_webhook_secret_enc"]
        assert STRIPE_KEY not in stored
        assert STRIPE_HOOK not in stored

    async def test_payment_links_open_with_stripe(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        await activate(
            store, gateway="stripe", stripe_secret_key=STRIPE_KEY, stripe_webhook_secret=STRIPE_HOOK
        )

        assert (await store.get("/v1/payment-links")).status_code == 200


class TestUnknownGateway:
    @pytest.mark.parametrize("gateway", ["paypal", "", "SANDBOX", None, 42])
    async def test_is_422_on_gateway(self, api: ApiClient, gateway: Any) -> None:
        store = await api.create_store(activate=False)

        response = await activate(store, gateway=gateway)

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert fields(response) == {"gateway"}
        assert (await store.get("/v1/store")).json()["payments_activated"] is False

    async def test_missing_gateway_is_422_on_gateway(self, api: ApiClient) -> None:
        store = await api.create_store(activate=False)

        response = await activate(store)

        assert response.status_code == 422, response.text
        assert fields(response) == {"gateway"}
