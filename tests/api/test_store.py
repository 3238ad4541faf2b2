"""The store's country, branding and receipts switch: sign-up, GET and PATCH /v1/store."""

from typing import Any

import pytest

from tests.factories import ApiClient, StoreClient, image_bytes, upload_image


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert response.headers["content-type"].startswith("application/problem+json")
    return [error["field"] for error in body["errors"]]


class TestSignUp:
    async def test_the_country_given_is_kept(self, api: ApiClient) -> None:
        store = await api.create_store(currency="EUR", country="at")
        body = (await store.get("/v1/store")).json()
        assert (body["currency"], body["country"]) == ("EUR", "AT")
        assert (body["brand_color"], body["logo_image_id"], body["receipts_enabled"]) == (
            None,
            None,
            True,
        )

    @pytest.mark.parametrize(("currency", "country"), [("GBP", "GB"), ("CHF", "CH"), ("JPY", "JP")])
    async def test_without_a_country_the_currencys_is_taken(
        self, api: ApiClient, currency: str, country: str
    ) -> None:
        store = await api.create_store(currency=currency)
        assert (await store.get("/v1/store")).json()["country"] == country

    @pytest.mark.parametrize("country", ["UK", "GBR", "", "EU"])
    async def test_a_bad_country_is_a_problem_naming_it(self, api: ApiClient, country: str) -> None:
        response = await api.client.post(
            "/v1/auth/signup",
            json={
                "store_name": "Acme",
                "email": "someone@example.com",
                "password": "correct horse battery staple",
                "country": country,
            },
        )
        assert fields_of(response) == ["country"]


class TestUpdate:
    async def test_changes_only_the_fields_given(self, api: ApiClient) -> None:
        store = await api.create_store()
        response = await store.patch("/v1/store", json={"country": "ie", "brand_color": "#1D4ED8"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["name"], body["currency"], body["country"]) == ("Acme Coffee", "GBP", "IE")
        assert body["brand_color"] == "#1d4ed8"
        response = await store.patch("/v1/store", json={"receipts_enabled": False, "name": "Ac"})
        body = response.json()
        assert (body["name"], body["country"], body["receipts_enabled"]) == ("Ac", "IE", False)
        assert (await store.get("/v1/store")).json() == body

    async def test_null_clears_the_branding(self, api: ApiClient) -> None:
        store = await api.create_store()
        logo = (await upload_image(store, image_bytes())).json()
        response = await store.patch(
            "/v1/store", json={"brand_color": "#112233", "logo_image_id": logo["id"]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["logo_image_id"] == logo["id"]
        response = await store.patch("/v1/store", json={"brand_color": None, "logo_image_id": None})
        assert (response.json()["brand_color"], response.json()["logo_image_id"]) == (None, None)

    async def test_every_bad_field_is_named(self, api: ApiClient) -> None:
        store = await api.create_store()
        response = await store.patch(
            "/v1/store", json={"country": "XX", "brand_color": "blue", "name": " "}
        )
        assert sorted(fields_of(response)) == ["brand_color", "country", "name"]

    async def test_the_logo_must_be_an_image_of_this_store(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other")
        theirs = (await upload_image(other, image_bytes())).json()
        response = await store.patch("/v1/store", json={"logo_image_id": theirs["id"]})
        assert fields_of(response) == ["logo_image_id"]

    @pytest.mark.parametrize(
        "body",
        [{"currency": "EUR"}, {"country": 44}, {"receipts_enabled": "yes"}],
    )
    async def test_the_currency_is_fixed_and_types_are_checked(
        self, api: ApiClient, body: dict[str, Any]
    ) -> None:
        store = await api.create_store()
        response = await store.patch("/v1/store", json=body)
        assert fields_of(response) == list(body)

    async def test_needs_a_key(self, api: ApiClient) -> None:
        response = await api.client.patch("/v1/store", json={"country": "DE"})
        assert response.status_code == 401


class TestSends:
    async def test_an_sms_send_reads_the_number_in_the_stores_country(self, api: ApiClient) -> None:
        store: StoreClient = await api.create_store()
        link = await store.create_link()
        response = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"phone": "07911 123456"}
        )
        assert response.status_code == 202, response.text
        assert response.json()["recipient"] == "+447911123456"
        await store.patch("/v1/store", json={"country": "US"})
        response = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"phone": "07911 123456"}
        )
        assert response.status_code == 422
        assert "(201) 555-0123" in response.json()["errors"][0]["message"]
