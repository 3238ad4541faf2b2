"""What every exchange gets (SPEC §7): a request id, HEAD wherever GET with a complete
``Allow``, and CORS on the public checkout API for the configured origins only."""

import logging
import re
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest

from paylinks.settings import Settings
from paylinks_api.edge import Edge, RequestIdFilter
from paylinks_cli.compose import create_app
from tests.conftest import serving
from tests.factories import ApiClient, StoreClient

REQUEST_ID = re.compile(r"req_[0-9a-f]{32}")
SHOP = "https://shop.example"


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


@pytest.fixture
async def shop_api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API with the shop's origin allowed, behind no trusted proxy."""
    settings = msgspec.structs.replace(settings, cors_origins=f"{SHOP}, https://other.example")
    app = create_app(settings, auto_migrate=settings.is_sqlite, run_jobs=False)
    async with serving(app) as client:
        yield client


class TestRequestId:
    async def test_every_answer_has_one_and_each_is_new(self, store: StoreClient) -> None:
        answers = [
            await store.get("/v1/payment-links"),
            await store.get("/v1/nothing-here"),
            await store.client.get("/health/live"),
            await store.client.delete("/health/live"),
        ]

        ids = [answer.headers["request-id"] for answer in answers]
        assert all(REQUEST_ID.fullmatch(i) for i in ids), ids
        assert len(set(ids)) == len(ids)

    async def test_a_problem_body_quotes_it(self, store: StoreClient) -> None:
        for answer in (
            await store.get("/v1/payment-links/plink_" + "0" * 32),
            await store.get("/v1/payment-links", params={"limit": "0"}),
            await store.get("/v1/nothing-here"),
            await store.client.get("/v1/payment-links"),
        ):
            assert answer.status_code >= 400
            assert answer.json()["request_id"] == answer.headers["request-id"]

    async def test_a_trusted_proxys_id_is_kept(self, store: StoreClient) -> None:
        # The test client calls from 127.0.0.1, a trusted proxy by default.
        answer = await store.get("/v1/payment-links", headers={"x-request-id": "lb-1234.abc"})

        assert answer.headers["request-id"] == "lb-1234.abc"

    async def test_a_malformed_proxy_id_is_replaced(self, store: StoreClient) -> None:
        answer = await store.get("/v1/payment-links", headers={"x-request-id": "a b\tc" * 50})

        assert REQUEST_ID.fullmatch(answer.headers["request-id"])

    async def test_a_strangers_id_is_not_kept(self, settings: Settings) -> None:
        settings = msgspec.structs.replace(settings, trusted_proxies="10.9.9.9")
        app = create_app(settings, auto_migrate=settings.is_sqlite, run_jobs=False)
        async with serving(app) as client:
            answer = await client.get("/health/live", headers={"x-request-id": "mine"})

        assert REQUEST_ID.fullmatch(answer.headers["request-id"])

    async def test_log_lines_written_during_a_request_carry_it(self) -> None:
        seen: list[str] = []
        log = logging.getLogger("paylinks.test.edge")

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                seen.append(record.request_id)  # type: ignore[attr-defined]

        handler = Keep()
        handler.addFilter(RequestIdFilter())
        log.addHandler(handler)

        async def app(scope: object, receive: object, send: object) -> None:
            log.warning("inside")
            await send({"type": "http.response.start", "status": 204, "headers": []})  # type: ignore[operator]
            await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

        transport = httpx.ASGITransport(app=Edge(app, (), ()))  # type: ignore[arg-type]
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                answer = await client.get("/")
            log.warning("outside")
        finally:
            log.removeHandler(handler)

        assert seen == [answer.headers["request-id"], "-"]


class TestHead:
    async def test_head_answers_as_get_without_the_body(self, store: StoreClient) -> None:
        link = await store.create_link()
        path = f"/v1/payment-links/{link['id']}"

        got = await store.get(path)
        head = await store.client.head(path, headers={"authorization": f"Bearer {store.api_key}"})

        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"]
        assert head.headers["content-type"] == got.headers["content-type"]

    async def test_head_of_a_public_page_and_of_a_qr_code(self, store: StoreClient) -> None:
        link = await store.create_link()
        auth = {"authorization": f"Bearer {store.api_key}"}

        public = await store.client.head(f"/v1/checkout/links/{link['id']}")
        qr = await store.client.head(f"/v1/payment-links/{link['id']}/qr.png", headers=auth)

        assert (public.status_code, public.content) == (200, b"")
        assert (qr.status_code, qr.headers["content-type"], qr.content) == (
            200,
            "image/png",
            b"",
        )

    async def test_allow_names_head_beside_get(self, store: StoreClient) -> None:
        options = await store.client.options("/v1/payment-links")
        refused = await store.client.delete("/v1/payment-links")

        for answer in (options, refused):
            allowed = {m.strip() for m in answer.headers["allow"].split(",")}
            assert {"GET", "HEAD", "POST", "OPTIONS"} <= allowed, answer.headers["allow"]
        assert refused.status_code == 405


class TestCors:
    async def test_a_shops_page_may_start_a_checkout(
        self, api: ApiClient, shop_api: httpx.AsyncClient
    ) -> None:
        link = await (await api.create_store()).create_link()
        path = f"/v1/checkout/links/{link['id']}/payments"

        preflight = await shop_api.options(
            path,
            headers={
                "origin": SHOP,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, idempotency-key",
            },
        )
        started = await shop_api.post(path, json={}, headers={"origin": SHOP})

        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == SHOP
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "idempotency-key" in preflight.headers["access-control-allow-headers"]
        assert started.status_code == 201, started.text
        assert started.headers["access-control-allow-origin"] == SHOP
        assert "request-id" in started.headers["access-control-expose-headers"]
        for answer in (preflight, started):
            assert "access-control-allow-credentials" not in answer.headers
            assert answer.headers["vary"] == "Origin"

    async def test_other_origins_and_the_merchant_api_get_no_cors(
        self, api: ApiClient, shop_api: httpx.AsyncClient
    ) -> None:
        link = await (await api.create_store()).create_link()

        stranger = await shop_api.get(
            f"/v1/checkout/links/{link['id']}", headers={"origin": "https://evil.example"}
        )
        merchant = await shop_api.get("/v1/payment-links", headers={"origin": SHOP})

        assert stranger.status_code == 200
        assert "access-control-allow-origin" not in stranger.headers
        assert "access-control-allow-origin" not in merchant.headers

    async def test_without_the_setting_nobody_gets_cors(self, store: StoreClient) -> None:
        link = await store.create_link()

        answer = await store.client.get(
            f"/v1/checkout/links/{link['id']}", headers={"origin": SHOP}
        )

        assert "access-control-allow-origin" not in answer.headers
