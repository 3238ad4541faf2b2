"""Bodies no decoder can read are the client's fault: a 400 problem, never a 500."""

import re
from typing import Any

import pytest
from litestar import Request, get
from litestar.serialization import decode_json

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.conftest import serving
from tests.factories import ApiClient, Customer, StoreClient

JSON = {"content-type": "application/json"}
NOT_UTF8 = b'{"email":"\xe9","password":"x"}'
MADE_UP_ID = "x_" + "0" * 32
DEPTH = 3000  # past Python's recursion limit, whatever the stack already holds
DEEP = b'{"name":"x","address":' + b"[" * DEPTH + b"]" * DEPTH + b"}"


def json_post_paths(settings: Settings) -> list[str]:
    """Every POST route that takes a JSON body, as the API documents it, with made-up ids
    of the right shape (the body is read before a handler looks anything up)."""
    paths = create_app(settings, run_jobs=False).openapi_schema.to_schema()["paths"]
    return sorted(
        re.sub(r"\{[^}]+\}", MADE_UP_ID, path)
        for path, operations in paths.items()
        if "application/json"
        in operations.get("post", {}).get("requestBody", {}).get("content", {})
    )


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


class TestUndecodableJson:
    @pytest.mark.parametrize("body", [NOT_UTF8, DEEP], ids=["not_utf8", "too_deep"])
    async def test_every_json_route_answers_400_invalid_json(
        self, settings: Settings, store: StoreClient, body: bytes
    ) -> None:
        paths = json_post_paths(settings)
        assert {"/v1/auth/login", "/v1/auth/signup", "/v1/venues"} <= set(paths)
        for path in paths:
            response = await store.post(path, content=body, headers=JSON)
            assert response.status_code == 400, (path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "invalid_json", path

    async def test_without_a_key_too(self, api: ApiClient) -> None:
        start = f"/v1/checkout/links/plink_{'0' * 32}/payments"
        for path in ("/v1/auth/login", "/v1/auth/signup", start):
            for body in (NOT_UTF8, DEEP):
                response = await api.client.post(path, content=body, headers=JSON)
                assert (response.status_code, response.json()["code"]) == (400, "invalid_json")

    async def test_the_same_errors_raised_elsewhere_are_still_500(self, settings: Settings) -> None:
        def recurse(depth: int) -> int:
            return recurse(depth + 1) + 1

        @get(["/boom/utf8", "/boom/decoder", "/boom/recursion"], sync_to_thread=False)
        def boom(request: Request[Any, Any, Any]) -> Any:
            kind = request.url.path.rsplit("/", 1)[1]
            if kind == "utf8":
                return b"\xe9".decode()
            if kind == "decoder":  # Litestar's decoder, but not on a request body
                return decode_json(b"[" * DEPTH + b"]" * DEPTH)
            return recurse(0)

        app = create_app(settings, route_handlers=[boom], run_jobs=False)
        async with serving(app) as client:
            for kind in ("utf8", "decoder", "recursion"):
                response = await client.get(f"/boom/{kind}")
                assert (response.status_code, response.json()["code"]) == (500, "internal_error")


class TestStripeWebhook:
    @pytest.mark.parametrize(
        "body", [b"[" * DEPTH + b"]" * DEPTH, b'{"id": "\xe9"}'], ids=["too_deep", "not_utf8"]
    )
    async def test_an_unreadable_body_is_an_invalid_webhook(
        self, api: ApiClient, body: bytes
    ) -> None:
        response = await api.client.post("/v1/gateways/stripe/webhook", content=body, headers=JSON)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_webhook"


class TestNulCharacters:
    """PostgreSQL cannot store NUL in text: every field refuses it with a 422 naming the
    field, on both databases alike."""

    async def test_json_fields_refuse_nul(self, store: StoreClient, api: ApiClient) -> None:
        link = await store.create_link(
            customer_fields={"customer_name": "optional", "business_name": "optional"}
        )
        cases: list[tuple[Any, str, dict[str, Any], str]] = [
            (store, "/v1/venues", {"name": "Harbour\u0000kiosk"}, "name"),
            (store, "/v1/api-keys", {"name": "ci\u0000"}, "name"),
            (
                store,
                "/v1/payment-links",
                {"title": "Tea", "amount": 300, "metadata": {"order\u0000": "1"}},
                "metadata",
            ),
            (
                store,
                "/v1/payment-links",
                {"title": "Tea", "amount": 300, "metadata": {"order": "A\u00001"}},
                "metadata.order",
            ),
            (
                api,
                f"/v1/checkout/links/{link['id']}/payments",
                {"customer": {"customer_name": "Ada\u0000"}},
                "customer.customer_name",
            ),
        ]
        for caller, path, body, field in cases:
            post = caller.post if caller is store else caller.client.post
            response = await post(path, json=body)
            assert response.status_code == 422, (path, response.text)
            assert response.json()["code"] == "validation_error"
            assert [e["field"] for e in response.json()["errors"]] == [field], path
        assert [v["name"] for v in (await store.get("/v1/venues")).json()["data"]] == []

    async def test_query_parameters_refuse_nul(self, store: StoreClient) -> None:
        response = await store.get("/v1/payment-links", params={"q": "tea\u0000"})
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["q"]

    async def test_an_escaped_backslash_is_not_nul(self, store: StoreClient) -> None:
        response = await store.post("/v1/venues", json={"name": "C:\\u0000 kiosk"})
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "C:\\u0000 kiosk"

    async def test_the_stripe_webhook_keeps_its_raw_body(self, api: ApiClient) -> None:
        body = b'{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":'
        body += b'{"id":"pi_1","description":"a\\u0000b","metadata":{}}}}'
        response = await api.client.post("/v1/gateways/stripe/webhook", content=body, headers=JSON)
        # Not one of ours (no Paylinks metadata): acknowledged, not refused as a 422.
        assert response.status_code == 200, response.text


class TestStrictTypes:
    """Money is a JSON integer: never a string or a float that happens to look like one."""

    @pytest.mark.parametrize("amount", ["1450", "1e3", 1450.0, True])
    async def test_a_link_amount_must_be_an_integer(self, store: StoreClient, amount: Any) -> None:
        response = await store.post("/v1/payment-links", json={"title": "Tea", "amount": amount})
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["amount"]
        assert (await store.get("/v1/payment-links")).json()["data"] == []

    async def test_checkout_and_refund_amounts_too(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link(amount=None, amount_type="variable")
        started = await api.client.post(
            f"/v1/checkout/links/{link['id']}/payments", json={"amount": "500"}
        )
        assert started.status_code == 422, started.text
        assert [e["field"] for e in started.json()["errors"]] == ["amount"]
        paid = await Customer(api.client).pay(link["id"], amount=500)
        refund = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": "100"})
        assert refund.status_code == 422, refund.text
        assert [e["field"] for e in refund.json()["errors"]] == ["amount"]
