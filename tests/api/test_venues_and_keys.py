"""Venues (create, list with cursor paging, get) and API keys (secret shown once, revoke)."""

from typing import Any

import pytest

from tests.conftest import FrozenClock
from tests.factories import ApiClient, StoreClient, as_bearer

PROBLEM_JSON = "application/problem+json"


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def keys_of(body: Any) -> list[dict[str, Any]]:
    """The keys of GET /v1/api-keys (its envelope is pinned by TestListApiKeys)."""
    return list(body["data"] if isinstance(body, dict) else body)


async def venues(store: StoreClient, count: int) -> list[dict[str, Any]]:
    """``count`` venues, oldest first."""
    return [await store.create_venue(f"Venue {n}") for n in range(1, count + 1)]


class TestCreateVenue:
    async def test_created_with_name_and_address(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post(
            "/v1/venues", json={"name": "  Market Street  ", "address": "1 Market St, Bristol"}
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["id"].startswith("venue_")
        assert body["name"] == "Market Street"
        assert body["address"] == "1 Market St, Bristol"
        assert body["created_at"]

    @pytest.mark.parametrize("name", ["", "   ", "\t\n"], ids=["empty", "spaces", "whitespace"])
    async def test_blank_name_is_422_on_name(self, api: ApiClient, name: str) -> None:
        store = await api.create_store()

        response = await store.post("/v1/venues", json={"name": name})

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "validation_error"
        assert fields(response) == ["name"]

    async def test_missing_name_is_422_on_name(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post("/v1/venues", json={"address": "1 Market St"})

        assert response.status_code == 422, response.text
        assert fields(response) == ["name"]

    async def test_overlong_name_is_422_on_name(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post("/v1/venues", json={"name": "x" * 121})

        assert response.status_code == 422
        assert fields(response) == ["name"]

    async def test_nothing_is_created_for_a_rejected_venue(self, api: ApiClient) -> None:
        store = await api.create_store()

        await store.post("/v1/venues", json={"name": " "})

        assert (await store.get("/v1/venues")).json() == {"data": [], "has_more": False}


class TestGetVenue:
    async def test_returns_the_venue(self, api: ApiClient) -> None:
        store = await api.create_store()
        venue = await store.create_venue("Harbour Road")

        response = await store.get(f"/v1/venues/{venue['id']}")

        assert response.status_code == 200
        assert response.json() == venue

    async def test_unknown_venue_is_404(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.get("/v1/venues/venue_" + "0" * 32)

        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


class TestListVenues:
    async def test_newest_first(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = await venues(store, 3)

        response = await store.get("/v1/venues")

        assert response.status_code == 200
        assert response.json()["has_more"] is False
        assert [v["id"] for v in response.json()["data"]] == [v["id"] for v in reversed(created)]

    async def test_pages_with_limit_and_starting_after(self, api: ApiClient) -> None:
        store = await api.create_store()
        newest_first = [v["id"] for v in reversed(await venues(store, 5))]

        first = (await store.get("/v1/venues", params={"limit": 2})).json()
        second = (
            await store.get(
                "/v1/venues", params={"limit": 2, "starting_after": first["data"][-1]["id"]}
            )
        ).json()
        third = (
            await store.get(
                "/v1/venues", params={"limit": 2, "starting_after": second["data"][-1]["id"]}
            )
        ).json()

        assert [v["id"] for v in first["data"]] == newest_first[0:2]
        assert first["has_more"] is True
        assert [v["id"] for v in second["data"]] == newest_first[2:4]
        assert second["has_more"] is True
        assert [v["id"] for v in third["data"]] == newest_first[4:5]
        assert third["has_more"] is False

    async def test_exact_last_page_has_no_more(self, api: ApiClient) -> None:
        store = await api.create_store()
        await venues(store, 2)

        response = await store.get("/v1/venues", params={"limit": 2})

        assert len(response.json()["data"]) == 2
        assert response.json()["has_more"] is False

    async def test_default_limit_is_20(self, api: ApiClient) -> None:
        store = await api.create_store()
        await venues(store, 21)

        response = await store.get("/v1/venues")

        assert len(response.json()["data"]) == 20
        assert response.json()["has_more"] is True

    async def test_limit_100_is_allowed(self, api: ApiClient) -> None:
        store = await api.create_store()
        await venues(store, 2)

        response = await store.get("/v1/venues", params={"limit": 100})

        assert response.status_code == 200
        assert len(response.json()["data"]) == 2

    @pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
    async def test_limit_out_of_range_is_422_on_limit(self, api: ApiClient, limit: str) -> None:
        store = await api.create_store()

        response = await store.get("/v1/venues", params={"limit": limit})

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert fields(response) == ["limit"]


class TestCreateApiKey:
    async def test_secret_is_shown_once(self, api: ApiClient) -> None:
        store = await api.create_store()

        created = await store.post("/v1/api-keys", json={"name": "Checkout server"})

        assert created.status_code == 201, created.text
        body = created.json()
        assert body["id"].startswith("key_")
        assert body["name"] == "Checkout server"
        assert body["secret"].startswith("sk_")
        assert body["last4"] == body["secret"][-4:]
        assert body["revoked_at"] is None
        fetched = await store.get(f"/v1/api-keys/{body['id']}")
        assert fetched.status_code == 200
        assert fetched.json().get("secret") is None
        assert body["secret"] not in fetched.text

    async def test_new_key_authenticates_as_the_store(self, api: ApiClient) -> None:
        store = await api.create_store()
        secret = (await store.post("/v1/api-keys", json={"name": "ci"})).json()["secret"]

        response = await as_bearer(store, secret).get("/v1/store")

        assert response.status_code == 200
        assert response.json()["id"] == store.store_id

    async def test_each_key_has_its_own_secret(self, api: ApiClient) -> None:
        store = await api.create_store()

        one = (await store.post("/v1/api-keys", json={"name": "one"})).json()
        two = (await store.post("/v1/api-keys", json={"name": "two"})).json()

        assert one["id"] != two["id"]
        assert one["secret"] != two["secret"]
        assert store.api_key not in (one["secret"], two["secret"])

    @pytest.mark.parametrize("name", ["", "   "])
    async def test_blank_name_is_422_on_name(self, api: ApiClient, name: str) -> None:
        store = await api.create_store()

        response = await store.post("/v1/api-keys", json={"name": name})

        assert response.status_code == 422
        assert fields(response) == ["name"]


class TestListApiKeys:
    async def test_never_shows_secrets(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "ci"})).json()

        response = await store.get("/v1/api-keys")

        assert response.status_code == 200
        listed = keys_of(response.json())
        assert {k["id"] for k in listed} >= {created["id"]}
        assert all(k.get("secret") is None for k in listed)
        assert created["secret"] not in response.text
        assert store.api_key not in response.text

    async def test_is_a_page_newest_first(self, api: ApiClient) -> None:
        # Spec §7: every list is {"data": [...], "has_more": bool}, newest first.
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "ci"})).json()

        response = await store.get("/v1/api-keys")

        assert response.status_code == 200
        body = response.json()
        assert isinstance(body, dict), body
        assert body["has_more"] is False
        assert body["data"][0]["id"] == created["id"]
        assert len(body["data"]) == 2


class TestRevokeApiKey:
    async def test_revoked_key_has_revoked_at(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "old"})).json()

        revoked = await store.delete(f"/v1/api-keys/{created['id']}")
        fetched = await store.get(f"/v1/api-keys/{created['id']}")
        listed = {k["id"]: k for k in keys_of((await store.get("/v1/api-keys")).json())}

        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["revoked_at"] is not None
        assert revoked.json().get("secret") is None
        assert fetched.json()["revoked_at"] == revoked.json()["revoked_at"]
        assert listed[created["id"]]["revoked_at"] == revoked.json()["revoked_at"]

    async def test_revoked_key_answers_401(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "old"})).json()

        await store.delete(f"/v1/api-keys/{created['id']}")
        response = await as_bearer(store, created["secret"]).get("/v1/store")

        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "unauthorized"

    async def test_revoking_twice_keeps_the_first_time(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "old"})).json()

        first = await store.delete(f"/v1/api-keys/{created['id']}")
        clock.advance(minutes=5)
        second = await store.delete(f"/v1/api-keys/{created['id']}")

        assert second.status_code == 200
        assert second.json()["revoked_at"] == first.json()["revoked_at"]

    async def test_other_keys_keep_working(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = (await store.post("/v1/api-keys", json={"name": "old"})).json()

        await store.delete(f"/v1/api-keys/{created['id']}")

        assert (await store.get("/v1/store")).status_code == 200

    async def test_unknown_key_is_404(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.delete("/v1/api-keys/key_" + "0" * 32)

        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
