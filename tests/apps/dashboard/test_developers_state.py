"""Developers: API keys, webhook endpoints and the delivery log, through the real API."""

from typing import Any

import pytest
from dashboard.developer_rows import (
    ALL_EVENTS,
    DeliveryRow,
    attempt_row,
    delivery_rows,
    delivery_status,
    endpoint_request,
    redelivered,
)
from dashboard.state.api_keys import ApiKeysState
from dashboard.state.event_log import EventLogState
from dashboard.state.webhooks import WebhooksState

from tests.apps.dashboard.conftest import api_down, everything_held, run
from tests.factories import StoreClient

#: A public address literal: accepted without DNS (the tests' API refuses private ones).
PUBLIC_URL = "https://93.184.216.34/hooks/paylinks"


# ---- API keys ----------------------------------------------------------------------------


async def keys_page(signed_in: Any) -> ApiKeysState:
    state: ApiKeysState = await signed_in(ApiKeysState)
    await state.load()
    return state


async def create_key(state: ApiKeysState, name: str) -> None:
    state.show_form(True)
    await run(state.create({"form_key": state.form_key, "name": name}))


class TestApiKeys:
    async def test_the_stores_keys_are_listed_by_name_and_last_four(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await keys_page(signed_in)
        assert len(state.keys) == 1
        assert state.keys[0].last4 == f"sk_…{store.api_key[-4:]}"
        assert not state.keys[0].revoked
        assert store.api_key not in everything_held(state)

    async def test_a_new_secret_is_shown_once_then_forgotten(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await keys_page(signed_in)
        await create_key(state, "Accounting sync")
        secret = state.new_secret
        assert secret.startswith("sk_")
        assert state.secret_shown
        assert state.new_secret_for == "Accounting sync"
        assert state.form_open is False
        assert state.keys[0].name == "Accounting sync"
        assert state.keys[0].last4.endswith(secret[-4:])
        # The key works at the API.
        works = await store.client.get("/v1/store", headers={"Authorization": f"Bearer {secret}"})
        assert works.status_code == 200
        state.secret_dialog_changed(False)
        assert state.new_secret == ""
        assert secret not in everything_held(state)
        await state.load()
        assert secret not in everything_held(state)

    async def test_reopening_the_page_forgets_a_secret_left_open(self, signed_in: Any) -> None:
        state = await keys_page(signed_in)
        await create_key(state, "CI")
        await state.load()
        assert state.new_secret == ""
        assert not state.secret_shown

    async def test_a_key_needs_a_name(self, signed_in: Any, store: StoreClient) -> None:
        state = await keys_page(signed_in)
        await create_key(state, "  ")
        assert "name" in state.form_errors
        assert state.form_open is True
        assert len((await store.get("/v1/api-keys")).json()["data"]) == 1

    async def test_a_too_long_name_is_refused_by_the_api_next_to_the_field(
        self, signed_in: Any
    ) -> None:
        state = await keys_page(signed_in)
        await create_key(state, "k" * 200)
        assert state.form_errors.get("name")
        assert state.new_secret == ""

    async def test_a_double_submit_makes_one_key(self, signed_in: Any, store: StoreClient) -> None:
        state = await keys_page(signed_in)
        state.show_form(True)
        form = {"form_key": state.form_key, "name": "Once"}
        await run(state.create(form))
        await run(state.create(form))
        assert len((await store.get("/v1/api-keys")).json()["data"]) == 2

    async def test_revoking_asks_first_then_the_key_stops_working(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await keys_page(signed_in)
        await create_key(state, "Old integration")
        secret = state.new_secret
        state.forget_secret()
        key = state.keys[0]
        state.ask_revoke(key.id, key.name)
        assert state.confirm_asked
        assert state.confirm_name == "Old integration"
        state.confirm_dialog_changed(False)  # cancelled
        assert not state.confirm_asked
        assert not state.keys[0].revoked
        state.ask_revoke(key.id, key.name)
        await run(state.confirm())
        assert not state.confirm_asked
        assert state.keys[0].revoked
        assert state.keys[0].revoked_on
        refused = await store.client.get("/v1/store", headers={"Authorization": f"Bearer {secret}"})
        assert refused.status_code == 401

    async def test_revoking_an_unknown_key_says_so(self, signed_in: Any) -> None:
        state = await keys_page(signed_in)
        state.ask_revoke("key_" + "0" * 32, "Ghost")
        events = await run(state.confirm())
        assert any(e is not None for e in events)  # a toast
        assert not state.confirm_asked
        assert state.confirming is False

    async def test_keys_are_paged(self, signed_in: Any, store: StoreClient) -> None:
        for number in range(21):
            await store.post("/v1/api-keys", json={"name": f"key {number}"})
        state = await keys_page(signed_in)
        assert len(state.keys) == 20
        assert state.has_more
        await run(state.next_page())
        assert len(state.keys) == 2
        assert state.page_number == 2

    async def test_the_api_being_down_is_said(
        self, signed_in: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        state: ApiKeysState = await signed_in(ApiKeysState)
        api_down(monkeypatch)
        await state.load()
        assert "cannot be reached" in state.load_error
        await create_key(state, "x")
        assert "cannot be reached" in state.form_notice
        assert state.new_secret == ""


# ---- webhook endpoints -------------------------------------------------------------------


async def webhooks_page(signed_in: Any) -> WebhooksState:
    state: WebhooksState = await signed_in(WebhooksState)
    await state.load()
    return state


async def add_endpoint(state: WebhooksState, url: str, *events: str) -> None:
    state.show_form(True)
    form = {"form_key": state.form_key, "url": url, **{f"event:{e}": "on" for e in events}}
    await run(state.add(form))


class TestWebhookEndpoints:
    async def test_none_yet_is_an_empty_list(self, signed_in: Any) -> None:
        state = await webhooks_page(signed_in)
        assert state.endpoints == []
        assert state.load_error == ""

    async def test_adding_one_shows_its_secret_once(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL, "payment_link.paid", "payment_link.created")
        secret = state.new_secret
        assert secret.startswith("whsec_")
        assert state.new_secret_for == PUBLIC_URL
        assert state.form_open is False
        [row] = state.endpoints
        assert row.url == PUBLIC_URL
        assert row.events == "payment_link.created, payment_link.paid"
        assert row.status == "enabled"
        assert row.enabled
        state.secret_dialog_changed(False)
        assert secret not in everything_held(state)
        [held] = (await store.get("/v1/webhook-endpoints")).json()["data"]
        assert held["events"] == ["payment_link.created", "payment_link.paid"]

    async def test_no_event_ticked_means_all_events(self, signed_in: Any) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL)
        assert state.endpoints[0].events == ALL_EVENTS

    async def test_a_private_url_is_refused_next_to_the_url(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, "http://127.0.0.1:9000/hook")
        assert "private or loopback" in state.form_errors["url"]
        assert state.form_open is True
        assert state.new_secret == ""
        assert (await store.get("/v1/webhook-endpoints")).json()["data"] == []

    async def test_a_url_is_needed_and_must_be_one(self, signed_in: Any) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, " ")
        assert "url" in state.form_errors
        await add_endpoint(state, "ftp://example.com/x")
        assert "http" in state.form_errors["url"]
        assert state.endpoints == []

    async def test_disable_then_enable(self, signed_in: Any, store: StoreClient) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL)
        endpoint_id = state.endpoints[0].id
        await run(state.set_enabled(endpoint_id, False))
        assert state.endpoints[0].status == "disabled"
        assert not state.endpoints[0].enabled
        assert state.toggling_id == ""
        await run(state.set_enabled(endpoint_id, True))
        assert state.endpoints[0].status == "enabled"

    async def test_rotating_shows_the_new_secret_once(self, signed_in: Any) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL)
        first = state.new_secret
        state.forget_secret()
        row = state.endpoints[0]
        state.ask_rotate(row.id, row.url)
        assert state.confirm_asked
        assert not state.confirm_is_delete
        await run(state.confirm())
        assert state.new_secret.startswith("whsec_")
        assert state.new_secret != first
        assert not state.confirm_asked

    async def test_deleting_asks_first(self, signed_in: Any, store: StoreClient) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL)
        row = state.endpoints[0]
        state.ask_delete(row.id, row.url)
        assert state.confirm_is_delete
        assert state.confirm_name == PUBLIC_URL
        state.confirm_dialog_changed(False)
        assert len(state.endpoints) == 1
        state.ask_delete(row.id, row.url)
        await run(state.confirm())
        assert state.endpoints == []
        assert (await store.get("/v1/webhook-endpoints")).json()["data"] == []

    async def test_an_endpoint_gone_meanwhile_is_said_not_crashed(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await webhooks_page(signed_in)
        await add_endpoint(state, PUBLIC_URL)
        row = state.endpoints[0]
        await store.delete(f"/v1/webhook-endpoints/{row.id}")
        state.ask_delete(row.id, row.url)
        events = await run(state.confirm())
        assert any(e is not None for e in events)
        assert state.endpoints == []

    async def test_the_api_being_down_is_said(
        self, signed_in: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        state: WebhooksState = await signed_in(WebhooksState)
        api_down(monkeypatch)
        await state.load()
        assert "cannot be reached" in state.load_error
        await add_endpoint(state, PUBLIC_URL)
        assert "cannot be reached" in state.form_notice


# ---- delivery log --------------------------------------------------------------------------


async def log_page(signed_in: Any) -> EventLogState:
    state: EventLogState = await signed_in(EventLogState)
    await state.load()
    return state


async def endpoint(store: StoreClient, url: str = PUBLIC_URL, **body: Any) -> dict[str, Any]:
    response = await store.post("/v1/webhook-endpoints", json={"url": url, **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestDeliveryLog:
    async def test_no_events_yet(self, signed_in: Any) -> None:
        state = await log_page(signed_in)
        assert state.events == []
        assert state.load_error == ""

    async def test_events_are_listed_newest_first_with_older_on_demand(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        links = [await store.create_link(title=f"Beans {n}") for n in range(22)]
        state = await log_page(signed_in)
        assert len(state.events) == 20
        assert state.has_more
        assert state.events[0].type == "payment_link.created"
        assert state.events[0].link_id == links[-1]["id"]
        await state.older()
        assert len(state.events) == 22
        assert not state.has_more
        assert state.events[-1].link_id == links[0]["id"]

    async def test_an_event_shows_each_endpoints_delivery_and_redelivers(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        hook = await endpoint(store)
        await endpoint(store, "https://93.184.216.35/refunds-only", events=["payment_link.paid"])
        await store.create_link()
        state = await log_page(signed_in)
        event = state.events[0]
        await run(state.open_event(event.id, event.type))
        assert state.event_open
        # Only the endpoint that wants link creations; nothing sent to it yet here.
        [row] = state.deliveries
        assert row.endpoint_url == PUBLIC_URL
        assert row.status == "not_sent"
        events = await run(state.redeliver(hook["id"]))
        assert state.deliveries[0].status == "queued"
        assert state.redelivering == ""
        assert events[-1] is not None
        held = (await store.get(f"/v1/events/{event.id}/deliveries")).json()["data"]
        assert [(d["endpoint_id"], d["status"]) for d in held] == [(hook["id"], "pending")]
        await state.refresh_deliveries()
        assert state.deliveries[0].status == "queued"
        state.deliveries_dialog_changed(False)
        assert not state.event_open
        assert state.deliveries == []

    async def test_a_deleted_endpoints_delivery_stays_without_redeliver(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        hook = await endpoint(store)
        await store.create_link()
        state = await log_page(signed_in)
        event = state.events[0]
        await store.post(f"/v1/events/{event.id}/redeliver", json={"endpoint_id": hook["id"]})
        await store.delete(f"/v1/webhook-endpoints/{hook['id']}")
        await run(state.open_event(event.id, event.type))
        [row] = state.deliveries
        assert not row.endpoint_exists
        assert "Deleted endpoint" in row.endpoint_url
        events = await run(state.redeliver(hook["id"]))  # were it asked anyway
        assert events
        assert events[-1] is not None

    async def test_the_api_being_down_is_said(
        self, signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await store.create_link()
        state = await log_page(signed_in)
        event = state.events[0]
        api_down(monkeypatch)
        await run(state.open_event(event.id, event.type))
        assert "cannot be reached" in state.deliveries_error
        assert state.deliveries_loading is False
        await state.refresh()
        assert "cannot be reached" in state.load_error


class TestRows:
    def test_pending_is_queued_until_an_attempt_failed(self) -> None:
        assert delivery_status("pending", 0) == "queued"
        assert delivery_status("pending", 2) == "retrying"
        assert delivery_status("succeeded", 1) == "succeeded"

    def test_attempts_read_as_results(self) -> None:
        ok = attempt_row(
            {"attempted_at": "2026-11-26T07:05:00Z", "status_code": 204, "duration_ms": 41}
        )
        assert (ok.outcome, ok.ok, ok.duration, ok.at) == (
            "HTTP 204",
            True,
            "41 ms",
            "26 Nov 2026, 07:05:00 UTC",
        )
        down = attempt_row({"status_code": None, "error": "timed out", "duration_ms": 10000})
        assert (down.outcome, down.ok) == ("timed out", False)
        long = attempt_row({"status_code": 500, "response_excerpt": "x" * 400})
        assert len(long.excerpt) == 160
        assert long.excerpt.endswith("…")

    def test_retrying_deliveries_say_when_and_list_attempts_newest_first(self) -> None:
        [row] = delivery_rows(
            "payment_link.paid",
            [
                {
                    "endpoint_id": "we_1",
                    "status": "pending",
                    "attempts": 2,
                    "next_attempt_at": "2026-11-26T08:00:00Z",
                    "attempt_log": [
                        {"attempted_at": "2026-11-26T07:00:00Z", "status_code": 500},
                        {"attempted_at": "2026-11-26T07:00:05Z", "status_code": 502},
                    ],
                }
            ],
            [{"id": "we_1", "url": "https://a.example/h", "events": None}],
        )
        assert row.status == "retrying"
        assert row.next_retry == "26 Nov 2026, 08:00 UTC"
        assert [a.outcome for a in row.attempt_log] == ["HTTP 502", "HTTP 500"]
        assert row.attempt_log[0].at == "26 Nov 2026, 07:00:05 UTC"
        assert row.attempts == 2
        again = redelivered(row, {"status": "pending", "attempts": 0})
        assert (again.status, again.next_retry, len(again.attempt_log)) == ("queued", "", 2)

    def test_endpoints_not_wanting_the_type_are_left_out(self) -> None:
        rows = delivery_rows(
            "payment_link.created",
            [],
            [
                {"id": "we_1", "url": "https://a.example", "events": ["payment_link.paid"]},
                {"id": "we_2", "url": "https://b.example", "events": None},
            ],
        )
        assert rows == [
            DeliveryRow(endpoint_id="we_2", endpoint_url="https://b.example", status="not_sent")
        ]

    def test_the_endpoint_form_reads_ticked_types_in_order(self) -> None:
        url, events, errors = endpoint_request(
            {
                "url": " https://a.example/h ",
                "event:payment_link.refund.failed": "on",
                "event:payment_link.created": "on",
                "event:payment_link.paid": "",
            }
        )
        assert (url, errors) == ("https://a.example/h", {})
        assert events == ["payment_link.created", "payment_link.refund.failed"]
        assert endpoint_request({"url": ""})[1:] == (None, {"url": endpoint_request({})[2]["url"]})
