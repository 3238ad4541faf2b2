"""What the API takes is what it documents (SPEC §7), on both engines: an unknown query
parameter is a 400 naming it, a body that does not say it is JSON a 415, a key twice a 400,
a path id without the shape of an id a 404 before any query (NUL included, which
PostgreSQL could not even compare), and errors name fields as the wire does."""

import pytest

from tests.factories import ApiClient, StoreClient

NO_SUCH_ID = ["%00", "plink_%00", "nonsense", "plink_" + "0" * 31, "PLINK_" + "0" * 32]


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


class TestUnknownParameters:
    @pytest.mark.parametrize(
        ("path", "parameter"),
        [
            ("/v1/payment-links", "stauts"),
            ("/v1/payment-links", "created[after]"),
            ("/v1/events", "payment_link"),
            ("/v1/venues", "q"),
            ("/v1/store", "expand"),
        ],
    )
    async def test_are_named_never_ignored(
        self, store: StoreClient, path: str, parameter: str
    ) -> None:
        answer = await store.get(path, params={parameter: "active"})

        assert answer.status_code == 400
        assert answer.json()["code"] == "unknown_parameter"
        assert answer.json()["errors"][0]["field"] == parameter

    async def test_the_public_checkout_too(self, store: StoreClient) -> None:
        link = await store.create_link()

        answer = await store.client.get(f"/v1/checkout/links/{link['id']}", params={"x": "1"})

        assert (answer.status_code, answer.json()["errors"][0]["field"]) == (400, "x")


class TestWireNames:
    async def test_a_bad_filter_is_named_as_sent(self, store: StoreClient) -> None:
        links = await store.get("/v1/payment-links", params={"type": "sometimes"})
        events = await store.get("/v1/events", params={"type": "link.exploded"})

        for answer in (links, events):
            assert answer.status_code in (400, 422), answer.text
            assert [e["field"] for e in answer.json()["errors"]] == ["type"]


class TestBodies:
    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/x-www-form-urlencoded", None]
    )
    async def test_a_json_route_refuses_a_body_not_sent_as_json(
        self, store: StoreClient, content_type: str | None
    ) -> None:
        headers = {**store.headers}
        if content_type:
            headers["content-type"] = content_type
        answer = await store.client.post(
            "/v1/payment-links", content=b'{"title": "T", "amount": "1e3"}', headers=headers
        )

        assert answer.status_code == 415
        assert answer.json()["code"] == "unsupported_media_type"
        assert (await store.get("/v1/payment-links")).json()["data"] == []

    async def test_a_key_twice_is_refused(self, store: StoreClient) -> None:
        answer = await store.client.post(
            "/v1/payment-links",
            content=b'{"title": "T", "amount": 100, "amount": 200}',
            headers={**store.headers, "content-type": "application/json"},
        )

        assert answer.status_code == 400
        assert answer.json()["code"] == "duplicate_key"
        assert answer.json()["errors"][0]["field"] == "amount"

    async def test_the_image_upload_keeps_multipart(self, store: StoreClient) -> None:
        answer = await store.client.post(
            "/v1/images",
            files={"file": ("x.png", b"not an image", "image/png")},
            headers=store.headers,
        )

        assert answer.status_code == 422  # refused for what it holds, not for its type


class TestPathIds:
    @pytest.mark.parametrize("bad", NO_SUCH_ID)
    @pytest.mark.parametrize(
        "template",
        [
            "/v1/checkout/links/{}",
            "/v1/checkout/payments/{}",
            "/v1/images/{}",
            "/v1/payment-links/{}",
            "/v1/payments/{}",
        ],
    )
    async def test_a_malformed_id_is_not_found(
        self, store: StoreClient, template: str, bad: str
    ) -> None:
        answer = await store.get(template.format(bad))

        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")

    async def test_a_malformed_id_on_a_post_is_not_found(self, store: StoreClient) -> None:
        answer = await store.client.post(
            "/v1/checkout/payments/%00/confirm", json={"card": {"number": "4242"}}
        )

        assert answer.status_code == 404
