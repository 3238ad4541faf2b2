"""``Idempotency-Key`` on POST: the same key and body replays the first response for 24 h;
the same key with another request is refused; keys belong to the caller."""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import msgspec
import pytest

from paylinks.events.tables import EventTable
from paylinks.idempotency import service as idempotency
from paylinks.idempotency.model import Claim, record_id, request_hash
from paylinks.idempotency.tables import IdempotencyTable
from paylinks.images.model import MAX_BYTES
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks_api.idempotency import Recorder
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import (
    PASSWORD,
    ApiClient,
    StoreClient,
    confirmation_tokens,
    image_bytes,
    logged_warnings,
    upload_image,
)

PROBLEM_JSON = "application/problem+json"
LINK = {"title": "Espresso beans", "amount": 1450}
#: Litestar's request_max_body_size, which the app keeps (image uploads set their own).
BODY_LIMIT = 10_000_000
CHUNK = 256 * 1024
#: The lease of the test settings (PAYLINKS_IDEMPOTENCY_LEASE_SECONDS' default).
LEASE = timedelta(seconds=30)


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


async def link_ids(store: StoreClient) -> list[str]:
    response = await store.get("/v1/payment-links", params={"limit": 100})
    assert response.status_code == 200, response.text
    return [link["id"] for link in response.json()["data"]]


async def created_events(store: StoreClient) -> int:
    """``payment_link.created`` events of the store, read from the outbox table."""
    count = await EventTable.count().where(
        (EventTable.store_id == store.store_id) & (EventTable.type == "payment_link.created")
    )
    return int(count)


async def post_link(store: StoreClient, idempotency_key: str, body: dict[str, Any] = LINK) -> Any:
    return await store.post("/v1/payment-links", json=body, headers=key(idempotency_key))


async def stored_records() -> list[dict[str, Any]]:
    return list(await IdempotencyTable.select())


class EndlessBody:
    """A request body as good as endless (``--data-binary @/dev/zero``), counting what
    the server took of it. It does end, at twice the limit, so that a server reading it
    all fails the test rather than running out of memory."""

    def __init__(self) -> None:
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < 2 * BODY_LIMIT:
            self.sent += CHUNK
            yield b"\0" * CHUNK


class TestReplay:
    async def test_same_key_and_body_replays_the_first_response(self, api: ApiClient) -> None:
        store = await api.create_store()

        first = await post_link(store, "order-1001")
        second = await post_link(store, "order-1001")

        assert first.status_code == 201, first.text
        assert "idempotent-replayed" not in first.headers
        assert second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.headers["content-type"].startswith("application/json")
        assert second.json() == first.json()
        assert second.json()["id"] == first.json()["id"]

    async def test_a_retry_the_moment_the_answer_arrives_is_replayed(self, api: ApiClient) -> None:
        """The answer is recorded before its end reaches the client: a retry sent as soon
        as it arrives is a replay, not "still running"."""
        store = await api.create_store()
        transport = api.client._transport
        assert isinstance(transport, httpx.ASGITransport)
        app = transport.app
        retries: list[httpx.Response] = []

        async def client_gets(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                retries.append(await post_link(store, "order-1001"))

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": msgspec.json.encode(LINK)}

        headers = [
            (b"host", b"api.test"),
            (b"authorization", f"Bearer {store.api_key}".encode()),
            (b"idempotency-key", b"order-1001"),
            (b"content-type", b"application/json"),
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/payment-links",
            "raw_path": b"/v1/payment-links",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("api.test", 80),
        }
        await app(scope, receive, client_gets)  # type: ignore[arg-type]
        [retry] = retries
        assert retry.status_code == 201, retry.text
        assert retry.headers["idempotent-replayed"] == "true"
        assert len(await link_ids(store)) == 1

    async def test_replay_creates_exactly_one_link_and_one_event(self, api: ApiClient) -> None:
        store = await api.create_store()

        first = await post_link(store, "order-1001")
        for _ in range(3):
            await post_link(store, "order-1001")

        assert await link_ids(store) == [first.json()["id"]]
        assert await created_events(store) == 1

    async def test_large_response_replays_intact(self, api: ApiClient) -> None:
        # Big enough for the API to compress it (the client accepts gzip, as httpx does).
        store = await api.create_store()
        body = {**LINK, "description": "Single-origin, washed. " * 40}

        first = await post_link(store, "order-big", body)
        second = await post_link(store, "order-big", body)

        assert first.status_code == 201, first.text
        assert second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.content == first.content
        assert second.json()["id"] == first.json()["id"]

    async def test_without_a_key_every_request_creates(self, api: ApiClient) -> None:
        store = await api.create_store()

        first = await store.post("/v1/payment-links", json=LINK)
        second = await store.post("/v1/payment-links", json=LINK)

        assert first.json()["id"] != second.json()["id"]
        assert "idempotent-replayed" not in second.headers
        assert await created_events(store) == 2

    async def test_a_validation_failure_is_not_stored(self, api: ApiClient) -> None:
        # A request refused by validation did not happen: the same key runs it again.
        store = await api.create_store()
        invalid = {"title": "   ", "amount": -5}

        first = await post_link(store, "bad-1", invalid)
        second = await post_link(store, "bad-1", invalid)

        assert first.status_code == 422, first.text
        assert first.headers["content-type"].startswith(PROBLEM_JSON)
        assert second.status_code == 422
        assert "idempotent-replayed" not in second.headers
        assert {e["field"] for e in second.json()["errors"]} == {"title", "amount"}
        assert await link_ids(store) == []

    async def test_json_is_compared_as_json(self, api: ApiClient) -> None:
        store = await api.create_store()
        headers = {**key("order-1001"), "Content-Type": "application/json"}

        first = await store.post(
            "/v1/payment-links",
            content=b'{"title": "Espresso beans", "amount": 1450}',
            headers=headers,
        )
        reordered = await store.post(
            "/v1/payment-links",
            content=b'{"amount":1450,\n "title":"Espresso beans"}',
            headers=headers,
        )

        assert first.status_code == 201, first.text
        assert reordered.status_code == 201, reordered.text
        assert reordered.headers["idempotent-replayed"] == "true"
        assert reordered.json()["id"] == first.json()["id"]

    async def test_image_upload_retry_replays(self, api: ApiClient) -> None:
        # A client retrying an upload re-encodes the multipart body (a new boundary); the
        # request is the same file, so it must replay, not be refused.
        store = await api.create_store()
        content = image_bytes()

        first = await upload_image(store, content, headers=key("upload-1"))
        second = await upload_image(store, content, headers=key("upload-1"))

        assert first.status_code == 201, first.text
        assert second.status_code == 201, second.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json()["id"] == first.json()["id"]


class TestReuse:
    async def test_same_key_with_another_body_is_409(self, api: ApiClient) -> None:
        store = await api.create_store()
        first = await post_link(store, "order-1001")

        response = await post_link(store, "order-1001", {**LINK, "amount": 9999})

        assert response.status_code == 409
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "idempotency_key_reused"
        assert await link_ids(store) == [first.json()["id"]]
        assert await created_events(store) == 1

    async def test_same_key_on_another_endpoint_is_409(self, api: ApiClient) -> None:
        store = await api.create_store()
        await post_link(store, "shared-key")

        response = await store.post("/v1/venues", json={"name": "Dock"}, headers=key("shared-key"))

        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_reused"
        assert (await store.get("/v1/venues")).json()["data"] == []

    async def test_a_rejected_request_is_fixed_under_the_same_key(self, api: ApiClient) -> None:
        store = await api.create_store()
        await post_link(store, "bad-1", {"title": "", "amount": 1450})

        fixed = await post_link(store, "bad-1")
        again = await post_link(store, "bad-1")

        assert fixed.status_code == 201, fixed.text
        assert again.headers["idempotent-replayed"] == "true"
        assert await link_ids(store) == [fixed.json()["id"]]


class TestScope:
    async def test_callers_without_credentials_have_a_scope_each(self, api: ApiClient) -> None:
        # On the public checkout, another customer's same key must never replay the first
        # customer's payment (and, with Stripe, its client secret).
        store = await api.create_store()
        link = await store.create_link(type="reusable", amount=1450)
        path = f"/v1/checkout/links/{link['id']}/payments"

        def customer(address: str) -> dict[str, str]:
            return {**key("checkout-1"), "X-Forwarded-For": address}

        mine = await api.client.post(path, json={}, headers=customer("203.0.113.5"))
        theirs = await api.client.post(path, json={}, headers=customer("203.0.113.6"))
        mine_again = await api.client.post(path, json={}, headers=customer("203.0.113.5"))

        assert mine.status_code == theirs.status_code == 201, theirs.text
        assert "idempotent-replayed" not in theirs.headers
        assert theirs.json()["id"] != mine.json()["id"]
        assert mine_again.headers["idempotent-replayed"] == "true"
        assert mine_again.json()["id"] == mine.json()["id"]

    async def test_same_key_in_another_store_does_not_collide(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")

        mine = await post_link(store, "order-1001")
        theirs = await post_link(other, "order-1001")

        assert theirs.status_code == 201, theirs.text
        assert "idempotent-replayed" not in theirs.headers
        assert theirs.json()["id"] != mine.json()["id"]
        assert await link_ids(store) == [mine.json()["id"]]
        assert await link_ids(other) == [theirs.json()["id"]]
        assert await created_events(other) == 1

    async def test_another_store_with_another_body_is_not_refused(self, api: ApiClient) -> None:
        store = await api.create_store()
        other = await api.create_store(name="Other Bakery")
        await post_link(store, "order-1001")

        response = await post_link(other, "order-1001", {"title": "Croissant", "amount": 320})

        assert response.status_code == 201, response.text
        assert response.json()["title"] == "Croissant"


class TestKeyFormat:
    async def test_key_over_255_characters_is_400(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await post_link(store, "k" * 256)

        assert response.status_code == 400
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert response.json()["code"] == "invalid_idempotency_key"
        assert await link_ids(store) == []

    async def test_key_of_255_characters_is_accepted(self, api: ApiClient) -> None:
        store = await api.create_store()

        first = await post_link(store, "k" * 255)
        second = await post_link(store, "k" * 255)

        assert first.status_code == 201, first.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json()["id"] == first.json()["id"]


class TestExpiry:
    async def test_replays_within_24_hours(self, api: ApiClient, clock: FrozenClock) -> None:
        store = await api.create_store()
        first = await post_link(store, "order-1001")

        clock.advance(hours=23)
        second = await post_link(store, "order-1001")

        assert second.headers["idempotent-replayed"] == "true"
        assert second.json()["id"] == first.json()["id"]

    @pytest.mark.parametrize("hours", [25, 24 * 7])
    async def test_after_24_hours_the_request_runs_again(
        self, api: ApiClient, clock: FrozenClock, hours: int
    ) -> None:
        store = await api.create_store()
        first = await post_link(store, "order-1001")

        clock.advance(hours=hours)
        second = await post_link(store, "order-1001")
        third = await post_link(store, "order-1001")

        assert second.status_code == 201, second.text
        assert "idempotent-replayed" not in second.headers
        assert second.json()["id"] != first.json()["id"]
        assert set(await link_ids(store)) == {first.json()["id"], second.json()["id"]}
        assert await created_events(store) == 2
        # The new run starts a new 24 hours of replays.
        assert third.headers["idempotent-replayed"] == "true"
        assert third.json()["id"] == second.json()["id"]

    async def test_after_24_hours_another_body_is_accepted(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        store = await api.create_store()
        await post_link(store, "order-1001")

        clock.advance(hours=25)
        response = await post_link(store, "order-1001", {"title": "Croissant", "amount": 320})

        assert response.status_code == 201, response.text
        assert response.json()["title"] == "Croissant"


@asynccontextmanager
async def strict_api(settings: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
    """The API with a rate limit of 2 a minute on sign-up and login (entered and left in
    the test's own task, as the app's lifespan needs)."""
    app = create_app(
        msgspec.structs.replace(settings, rate_limit_per_minute=2),
        clock=clock,
        auto_migrate=settings.is_sqlite,
    )
    async with serving(app) as client:
        yield ApiClient(client)


class TestNotStored:
    async def test_rate_limited_request_is_not_replayed(
        self, settings: Settings, clock: FrozenClock
    ) -> None:
        # A 429 means the request did not run: retrying with the same key after
        # Retry-After must run it, not replay the 429 for 24 hours.
        async with strict_api(settings, clock) as api:
            store = await api.create_store(activate=False)  # the first of 2 a minute
            credentials = {"email": store.email, "password": PASSWORD}
            await api.client.post("/v1/auth/login", json=credentials)  # the second

            limited = await api.client.post(
                "/v1/auth/login", json=credentials, headers=key("login-1")
            )
            retried = await api.client.post(
                "/v1/auth/login", json=credentials, headers=key("login-1")
            )

        assert limited.status_code == 429
        assert "retry-after" in limited.headers
        assert "idempotent-replayed" not in retried.headers
        assert "retry-after" in retried.headers


class TestBodyLimit:
    """The body is read before the handler runs, so the middleware keeps the route's body
    limit itself: an endless body is cut off at the limit, never held whole."""

    async def test_endless_body_on_a_public_route_is_cut_off_with_413(self, api: ApiClient) -> None:
        body = EndlessBody()

        response = await api.client.post("/v1/auth/signup", content=body, headers=key("flood-1"))

        assert response.status_code == 413, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        problem = response.json()
        assert problem["status"] == 413
        assert problem["code"] == "payload_too_large"
        assert problem["title"] == "Payload too large"
        assert problem["type"] == "urn:paylinks:problem:payload_too_large"
        assert BODY_LIMIT < body.sent <= BODY_LIMIT + CHUNK
        assert await stored_records() == []

    async def test_endless_body_without_credentials_claims_nothing(self, api: ApiClient) -> None:
        body = EndlessBody()

        response = await api.client.post("/v1/payment-links", content=body, headers=key("flood-1"))

        # The handler answers as it would without a key: Litestar reads the body (up to
        # its limit) before it asks who is calling.
        assert response.status_code in (401, 413), response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert body.sent <= BODY_LIMIT + CHUNK
        assert await stored_records() == []

    async def test_endless_body_with_credentials_is_cut_off_with_413(self, api: ApiClient) -> None:
        store = await api.create_store()
        body = EndlessBody()

        response = await store.post("/v1/payment-links", content=body, headers=key("flood-1"))

        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload_too_large"
        assert BODY_LIMIT < body.sent <= BODY_LIMIT + CHUNK
        assert await stored_records() == []
        assert await link_ids(store) == []

    async def test_announced_oversized_body_is_refused_before_reading(self, api: ApiClient) -> None:
        body = EndlessBody()

        response = await api.client.post(
            "/v1/auth/signup",
            content=body,
            headers={**key("flood-1"), "Content-Length": str(BODY_LIMIT + 1)},
        )

        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload_too_large"
        assert body.sent <= CHUNK
        assert await stored_records() == []

    async def test_image_of_5_mb_is_within_the_limit(self, api: ApiClient) -> None:
        # A real PNG padded to the most an upload may be: trailing bytes are dropped when
        # the image is re-encoded. The multipart wrapping adds its own bytes on top.
        store = await api.create_store()
        content = image_bytes()
        content += b"\0" * (MAX_BYTES - len(content))

        first = await upload_image(store, content, headers=key("upload-5mb"))
        second = await upload_image(store, content, headers=key("upload-5mb"))

        assert first.status_code == 201, first.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json()["id"] == first.json()["id"]


class TestUnauthorizedNotStored:
    async def test_bad_credentials_claim_no_key(self, api: ApiClient) -> None:
        response = await api.client.post(
            "/v1/payment-links",
            json=LINK,
            headers={**key("order-1001"), "Authorization": "Bearer sk_not_a_key"},
        )

        assert response.status_code == 401, response.text
        assert response.json()["code"] == "unauthorized"
        assert await stored_records() == []

    async def test_missing_credentials_claim_no_key(self, api: ApiClient) -> None:
        response = await api.client.post("/v1/payment-links", json=LINK, headers=key("order-1"))

        assert response.status_code == 401, response.text
        assert await stored_records() == []

    async def test_a_refused_login_is_not_replayed(self, api: ApiClient) -> None:
        # Login is public, so the request is claimed; its 401 is not kept.
        store = await api.create_store(activate=False)
        wrong = {"email": store.email, "password": "not the password"}

        first = await api.client.post("/v1/auth/login", json=wrong, headers=key("login-1"))
        second = await api.client.post("/v1/auth/login", json=wrong, headers=key("login-1"))

        assert first.status_code == 401, first.text
        assert second.status_code == 401
        assert "idempotent-replayed" not in second.headers
        assert await stored_records() == []


class TestSecretsAtRest:
    """Answers are replayed for 24 hours, and some carry a secret shown once: the database
    keeps them encrypted."""

    async def test_api_key_secret_is_replayed_but_not_stored(self, api: ApiClient) -> None:
        store = await api.create_store()

        first = await store.post("/v1/api-keys", json={"name": "CI"}, headers=key("key-1"))
        second = await store.post("/v1/api-keys", json={"name": "CI"}, headers=key("key-1"))

        assert first.status_code == 201, first.text
        secret = first.json()["secret"]
        assert secret.startswith("sk_")
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json()["secret"] == secret
        records = await stored_records()
        assert len(records) == 1
        assert records[0]["status_code"] == 201
        assert secret not in str(records)
        assert first.json()["id"] not in str(records)

    async def test_signup_secrets_are_not_stored(self, api: ApiClient) -> None:
        signup = {
            "store_name": "Acme Coffee",
            "email": "owner@example.com",
            "password": PASSWORD,
            "currency": "GBP",
        }
        _, tokens = await api.request_sign_up(**signup)
        confirm = {"token": tokens[0]}

        first = await api.client.post("/v1/auth/signup/confirm", json=confirm, headers=key("c-1"))
        second = await api.client.post("/v1/auth/signup/confirm", json=confirm, headers=key("c-1"))

        assert first.status_code == 201, first.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        stored = str(await stored_records())
        for value in [*first.json().values(), tokens[0]]:
            if isinstance(value, str) and len(value) > 8:
                assert value not in stored

    async def test_a_replayed_signup_sends_no_second_link(self, api: ApiClient) -> None:
        signup = {"store_name": "Acme", "email": "owner@example.com", "password": PASSWORD}
        with logged_warnings() as lines:
            first = await api.client.post("/v1/auth/signup", json=signup, headers=key("s-1"))
            second = await api.client.post("/v1/auth/signup", json=signup, headers=key("s-1"))

        assert first.status_code == second.status_code == 202, first.text
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert len(confirmation_tokens(lines)) == 1

    async def test_a_plaintext_record_is_run_again_not_a_500(self, api: ApiClient) -> None:
        # Saved before answers were encrypted (or under another PAYLINKS_SECRET_KEY): it
        # cannot be replayed, so it counts as expired.
        store = await api.create_store()
        first = await post_link(store, "order-1001")
        await IdempotencyTable.update({IdempotencyTable.body: first.text}).where(
            IdempotencyTable.id.is_not_null()
        )

        second = await post_link(store, "order-1001")
        third = await post_link(store, "order-1001")

        assert second.status_code == 201, second.text
        assert "idempotent-replayed" not in second.headers
        assert third.headers["idempotent-replayed"] == "true"
        assert third.json()["id"] == second.json()["id"]
        assert first.text not in str(await stored_records())


def claimed_by_a_crashed_request(store: StoreClient, idempotency_key: str, body: bytes) -> str:
    """The record id a request with this key and body claims (as the middleware names it)."""
    scope = hashlib.sha256(f"Bearer {store.api_key}".encode()).hexdigest()
    return record_id(scope, idempotency_key)


async def post_raw(store: StoreClient, idempotency_key: str, body: bytes) -> httpx.Response:
    headers = {**key(idempotency_key), "Content-Type": "application/json"}
    return await store.post("/v1/payment-links", content=body, headers=headers)


class TestLease:
    """A claim whose request never answered (its process was killed, its connection died)
    holds the key for the lease only; then the retry runs."""

    BODY = msgspec.json.encode(LINK)

    async def crash_holding(self, store: StoreClient, idempotency_key: str, now: Any) -> None:
        """What a request killed after claiming its key leaves behind."""
        rid = claimed_by_a_crashed_request(store, idempotency_key, self.BODY)
        canonical = msgspec.json.encode(LINK, order="sorted")  # JSON is compared as JSON
        fingerprint = request_hash("POST", "/v1/payment-links", canonical)
        claimed = await idempotency.claim(rid, fingerprint, now, Cipher("x" * 40), LEASE)
        assert claimed.claim is Claim.NEW

    async def test_the_retry_waits_for_the_lease_then_runs_once(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        store = await api.create_store()
        await self.crash_holding(store, "order-crash", clock())

        waiting = await post_raw(store, "order-crash", self.BODY)
        assert waiting.status_code == 409
        assert waiting.json()["code"] == "idempotency_key_in_use"
        assert waiting.headers["retry-after"] == "1"

        clock.advance(seconds=LEASE.total_seconds())
        retried = await post_raw(store, "order-crash", self.BODY)
        again = await post_raw(store, "order-crash", self.BODY)

        assert retried.status_code == 201, retried.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == retried.json()["id"]
        assert await link_ids(store) == [retried.json()["id"]]
        assert await created_events(store) == 1

    async def test_another_body_is_refused_even_after_the_lease(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        store = await api.create_store()
        await self.crash_holding(store, "order-crash", clock())
        clock.advance(seconds=LEASE.total_seconds() + 1)

        other = await post_raw(store, "order-crash", msgspec.json.encode({**LINK, "amount": 1}))

        assert other.status_code == 409
        assert other.json()["code"] == "idempotency_key_reused"
        assert await link_ids(store) == []


class TestOneTransaction:
    """Where a route's change is one transaction, its answer is saved in it: both commit,
    or neither does."""

    async def test_an_answer_that_cannot_be_saved_undoes_the_change(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = await api.create_store()

        async def lost_the_key(self: Recorder, answer: Any) -> bool:
            return False  # a retry took the key over while this request ran

        monkeypatch.setattr(Recorder, "save", lost_the_key)
        response = await post_link(store, "order-1001")

        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_in_use"
        assert await link_ids(store) == []
        assert await created_events(store) == 0

    async def test_a_database_lost_while_saving_undoes_the_change_and_frees_the_key(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = await api.create_store()

        async def connection_lost(self: Recorder, answer: Any) -> bool:
            raise ConnectionResetError(104, "Connection reset by peer")

        with monkeypatch.context() as patched:
            patched.setattr(Recorder, "save", connection_lost)
            failed = await post_link(store, "order-1001")
        retried = await post_link(store, "order-1001")

        assert failed.status_code == 503
        assert failed.json()["code"] == "database_unavailable"
        assert "retry-after" in failed.headers
        assert retried.status_code == 201, retried.text
        assert await link_ids(store) == [retried.json()["id"]]
        assert await created_events(store) == 1


class TestRecordedApart:
    """Elsewhere the answer is saved in its own transaction after the handler."""

    async def test_an_answer_that_could_not_be_saved_frees_the_key(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = await api.create_store()
        content = image_bytes()
        calls = 0
        original = idempotency.save

        async def fails_once(*args: Any) -> bool:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise ConnectionResetError(104, "Connection reset by peer")
            return await original(*args)

        monkeypatch.setattr(idempotency, "save", fails_once)
        first = await upload_image(store, content, headers=key("upload-1"))
        retried = await upload_image(store, content, headers=key("upload-1"))
        replayed = await upload_image(store, content, headers=key("upload-1"))

        assert first.status_code == 201, first.text  # the client has its answer
        assert retried.status_code == 201, retried.text  # and the key was not stuck
        assert "idempotent-replayed" not in retried.headers
        assert replayed.headers["idempotent-replayed"] == "true"
        assert replayed.json()["id"] == retried.json()["id"]
