"""Tenant isolation and authentication: nothing of one store is visible to another, and
every request needs a live API key or session."""

from typing import Any

import pytest

from tests.conftest import FrozenClock
from tests.factories import (
    PASSWORD,
    ApiClient,
    StoreClient,
    as_bearer,
    image_bytes,
    login,
    upload_image,
)

PROBLEM_JSON = "application/problem+json"
MISSING_LINK = "plink_" + "0" * 32
MISSING_VENUE = "venue_" + "0" * 32
MISSING_KEY = "key_" + "0" * 32


def listed(body: Any) -> list[dict[str, Any]]:
    """The objects of a list response. (The envelope of GET /v1/api-keys is pinned by
    tests/api/test_venues_and_keys.py; here only its contents matter.)"""
    return list(body["data"] if isinstance(body, dict) else body)


def ids(body: Any) -> set[str]:
    return {item["id"] for item in listed(body)}


async def call(store: StoreClient, method: str, path: str) -> Any:
    if method == "GET":
        return await store.get(path)
    if method == "POST":
        return await store.post(path)
    if method == "PATCH":
        return await store.patch(path, json={"title": "Mine now"})
    return await store.delete(path)


# Every endpoint that names one object of the store by its id: (method, path, object kind).
BY_ID = [
    ("GET", "/v1/payment-links/{link}", "link"),
    ("PATCH", "/v1/payment-links/{link}", "link"),
    ("POST", "/v1/payment-links/{link}/deactivate", "link"),
    ("POST", "/v1/payment-links/{link}/activate", "link"),
    ("GET", "/v1/payment-links/{link}/qr.png", "link"),
    ("GET", "/v1/payment-links/{link}/qr.svg", "link"),
    ("GET", "/v1/venues/{venue}", "venue"),
    ("GET", "/v1/api-keys/{key}", "key"),
    ("DELETE", "/v1/api-keys/{key}", "key"),
]


async def other_store_objects(api: ApiClient) -> tuple[StoreClient, dict[str, str]]:
    """A second store with one link, one venue and one extra API key."""
    other = await api.create_store(name="Other Bakery")
    link = await other.create_link(title="Sourdough")
    venue = await other.create_venue("Harbour Road")
    key = await other.post("/v1/api-keys", json={"name": "integration"})
    assert key.status_code == 201, key.text
    return other, {"link": link["id"], "venue": venue["id"], "key": key.json()["id"]}


class TestAnotherStoresObject:
    @pytest.mark.parametrize(("method", "template", "kind"), BY_ID)
    async def test_answers_404_like_a_missing_object_and_changes_nothing(
        self, api: ApiClient, method: str, template: str, kind: str
    ) -> None:
        store = await api.create_store()
        other, theirs = await other_store_objects(api)
        missing = {"link": MISSING_LINK, "venue": MISSING_VENUE, "key": MISSING_KEY}

        foreign = await call(store, method, template.format(**{kind: theirs[kind]}))
        absent = await call(store, method, template.format(**{kind: missing[kind]}))

        assert foreign.status_code == 404, foreign.text
        assert foreign.headers["content-type"].startswith(PROBLEM_JSON)
        # No existence leak: exactly what an id that exists nowhere gets.
        assert absent.status_code == 404
        assert foreign.json()["code"] == absent.json()["code"]
        assert foreign.json()["detail"] == absent.json()["detail"]
        link = (await other.get(f"/v1/payment-links/{theirs['link']}")).json()
        assert (link["status"], link["deactivated_at"]) == ("active", None)
        assert link["title"] == "Sourdough"
        assert (await other.get(f"/v1/api-keys/{theirs['key']}")).json()["revoked_at"] is None

    async def test_revoking_another_stores_key_does_not_lock_it_out(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        their_key = listed((await other.get("/v1/api-keys")).json())[0]

        response = await store.delete(f"/v1/api-keys/{their_key['id']}")

        assert response.status_code == 404
        assert (await other.get("/v1/store")).status_code == 200


class TestLists:
    async def test_payment_links_show_only_the_callers(self, api: ApiClient) -> None:
        store = await api.create_store()
        other, theirs = await other_store_objects(api)
        mine = await store.create_link(title="Flat white")

        response = await store.get("/v1/payment-links")

        assert response.status_code == 200
        assert ids(response.json()) == {mine["id"]}
        assert ids((await other.get("/v1/payment-links")).json()) == {theirs["link"]}

    async def test_filtering_by_another_stores_venue_finds_nothing(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        venue = await other.create_venue()
        await other.create_link(venue_id=venue["id"])
        await store.create_link()

        response = await store.get("/v1/payment-links", params={"venue_id": venue["id"]})

        assert response.status_code == 200
        assert listed(response.json()) == []

    async def test_searching_does_not_reach_another_store(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        await other.create_link(title="Sourdough", reference="INV-SECRET-42")

        response = await store.get("/v1/payment-links", params={"q": "INV-SECRET-42"})

        assert response.status_code == 200
        assert listed(response.json()) == []

    async def test_another_stores_link_is_no_cursor_and_the_answer_says_no_more(
        self, api: ApiClient
    ) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        await store.create_link()
        theirs = await other.create_link()

        response = await store.get("/v1/payment-links", params={"starting_after": theirs["id"]})
        unknown = await store.get(
            "/v1/payment-links", params={"starting_after": "plink_" + "0" * 32}
        )

        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"
        assert response.json()["errors"] == unknown.json()["errors"]  # no existence leak

    async def test_venues_show_only_the_callers(self, api: ApiClient) -> None:
        store = await api.create_store()
        other, theirs = await other_store_objects(api)
        mine = await store.create_venue("Market Street")

        response = await store.get("/v1/venues")

        assert response.status_code == 200
        assert ids(response.json()) == {mine["id"]}
        assert ids((await other.get("/v1/venues")).json()) == {theirs["venue"]}

    async def test_api_keys_show_only_the_callers(self, api: ApiClient) -> None:
        store = await api.create_store()
        other, theirs = await other_store_objects(api)

        mine = ids((await store.get("/v1/api-keys")).json())
        their_keys = ids((await other.get("/v1/api-keys")).json())

        assert len(mine) == 1
        assert theirs["key"] in their_keys
        assert not mine & their_keys


class TestReferencesToAnotherStore:
    async def test_venue_id_of_another_store_is_422(self, api: ApiClient) -> None:
        store = await api.create_store()
        _, theirs = await other_store_objects(api)

        response = await store.post(
            "/v1/payment-links", json={"title": "Tea", "amount": 300, "venue_id": theirs["venue"]}
        )

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert [e["field"] for e in response.json()["errors"]] == ["venue_id"]
        assert listed((await store.get("/v1/payment-links")).json()) == []

    async def test_image_id_of_another_store_is_422(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        uploaded = await upload_image(other, image_bytes())
        assert uploaded.status_code == 201, uploaded.text

        response = await store.post(
            "/v1/payment-links",
            json={"title": "Tea", "amount": 300, "image_id": uploaded.json()["id"]},
        )

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert [e["field"] for e in response.json()["errors"]] == ["image_id"]


class TestApiKeyAuthentication:
    @pytest.mark.parametrize(
        "authorization",
        [
            None,
            "",
            "Bearer",
            "Bearer    ",
            "Basic dXNlcjpwYXNz",
            "sk_not_a_bearer_header",
            "Bearer sk_" + "x" * 43,
            "Bearer sess_" + "x" * 43,
            "Bearer not-a-key",
        ],
        ids=[
            "missing",
            "empty",
            "scheme-only",
            "blank-token",
            "basic",
            "no-scheme",
            "unknown-key",
            "unknown-session",
            "garbage",
        ],
    )
    async def test_bad_credentials_are_401_problem(
        self, api: ApiClient, authorization: str | None
    ) -> None:
        await api.create_store()
        headers = {} if authorization is None else {"Authorization": authorization}

        response = await api.client.get("/v1/payment-links", headers=headers)

        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "unauthorized"
        assert response.headers["www-authenticate"].lower().startswith("bearer")

    async def test_revoked_key_is_401(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = await store.post("/v1/api-keys", json={"name": "to revoke"})
        assert created.status_code == 201
        doomed = as_bearer(store, created.json()["secret"])
        assert (await doomed.get("/v1/payment-links")).status_code == 200

        revoked = await store.delete(f"/v1/api-keys/{created.json()['id']}")
        response = await doomed.get("/v1/payment-links")

        assert revoked.status_code == 200
        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "unauthorized"
        assert (await store.get("/v1/payment-links")).status_code == 200

    async def test_a_key_may_revoke_itself(self, api: ApiClient) -> None:
        store = await api.create_store()
        own = listed((await store.get("/v1/api-keys")).json())[0]

        revoked = await store.delete(f"/v1/api-keys/{own['id']}")
        response = await store.get("/v1/store")

        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


class TestSessions:
    async def test_login_token_works_until_logout(self, api: ApiClient) -> None:
        store = await api.create_store()
        logged_in = await login(api.client, store.email)
        assert logged_in.is_success, logged_in.text
        assert logged_in.json()["store_id"] == store.store_id
        session = as_bearer(store, logged_in.json()["token"])

        before = await session.get("/v1/payment-links")
        logout = await session.post("/v1/auth/logout")
        after = await session.get("/v1/payment-links")

        assert before.status_code == 200
        assert logout.status_code == 204
        assert after.status_code == 401
        assert after.headers["content-type"].startswith(PROBLEM_JSON)
        assert after.json()["code"] == "unauthorized"

    async def test_session_sees_its_own_store_only(self, api: ApiClient) -> None:
        store = await api.create_store()
        _, theirs = await other_store_objects(api)
        token = (await login(api.client, store.email)).json()["token"]
        session = as_bearer(store, token)

        me = await session.get("/v1/me")
        foreign = await session.get(f"/v1/payment-links/{theirs['link']}")

        assert me.status_code == 200
        assert me.json()["store"]["id"] == store.store_id
        assert me.json()["user"]["email"] == store.email
        assert foreign.status_code == 404

    async def test_logout_leaves_api_keys_working(self, api: ApiClient) -> None:
        store = await api.create_store()
        token = (await login(api.client, store.email)).json()["token"]

        await as_bearer(store, token).post("/v1/auth/logout")

        assert (await store.get("/v1/store")).status_code == 200

    async def test_logging_out_one_session_keeps_the_other(self, api: ApiClient) -> None:
        store = await api.create_store()
        first = as_bearer(store, (await login(api.client, store.email)).json()["token"])
        second = as_bearer(store, (await login(api.client, store.email)).json()["token"])

        await first.post("/v1/auth/logout")

        assert (await first.get("/v1/store")).status_code == 401
        assert (await second.get("/v1/store")).status_code == 200

    async def test_session_expires_after_14_days(self, api: ApiClient, clock: FrozenClock) -> None:
        store = await api.create_store()
        session = as_bearer(store, (await login(api.client, store.email)).json()["token"])

        clock.advance(days=13)
        still = await session.get("/v1/store")
        clock.advance(days=2)
        expired = await session.get("/v1/store")

        assert still.status_code == 200
        assert expired.status_code == 401
        assert expired.json()["code"] == "unauthorized"

    async def test_wrong_password_is_401_invalid_credentials(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await login(api.client, store.email, "not the password at all")

        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "invalid_credentials"
        assert "token" not in response.json()

    async def test_unknown_email_answers_like_a_wrong_password(self, api: ApiClient) -> None:
        store = await api.create_store()

        unknown = await login(api.client, "nobody-here@example.com")
        wrong = await login(api.client, store.email, "not the password at all")

        assert unknown.status_code == wrong.status_code == 401
        bodies = [response.json() for response in (unknown, wrong)]
        for body in bodies:
            del body["request_id"]  # each answer its own
        assert bodies[0] == bodies[1]


class TestSignup:
    async def test_taken_email_answers_like_a_new_one(self, api: ApiClient) -> None:
        store = await api.create_store()

        taken, tokens = await api.request_sign_up(
            store_name="Copycat", email=store.email, password=PASSWORD
        )
        new, _ = await api.request_sign_up(
            store_name="Copycat", email="newcomer@example.com", password=PASSWORD
        )

        assert taken.status_code == new.status_code == 202, taken.text
        assert taken.json() == {"status": "confirmation_sent", "email": store.email}
        assert "api_key" not in taken.text
        assert "token" not in taken.text
        assert tokens == []  # no link to a second store: "log in" instead

    async def test_a_blank_store_name_is_422_on_the_field_as_sent(self, api: ApiClient) -> None:
        response = await api.client.post(
            "/v1/auth/signup",
            json={"store_name": "  ", "email": "new@example.com", "password": PASSWORD},
        )

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["store_name"]

    async def test_taken_email_in_other_letter_case_gets_no_second_store(
        self, api: ApiClient
    ) -> None:
        store = await api.create_store()

        response, tokens = await api.request_sign_up(
            store_name="Copycat", email=store.email.upper(), password=PASSWORD
        )

        assert response.status_code == 202, response.text
        assert response.json()["email"] == store.email
        assert tokens == []
