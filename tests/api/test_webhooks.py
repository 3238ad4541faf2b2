"""Webhook endpoints, events and signed deliveries (Standard Webhooks), with retries."""

import asyncio
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator
from standardwebhooks.webhooks import Webhook

from paylinks.events.model import EventType
from paylinks.webhooks.tables import WebhookDeliveryTable
from tests.factories import (
    CARD_REFUND_FAILS,
    ApiClient,
    Customer,
    eventually,
)
from tests.fakes.receiver import Receiver


class TestEndpoints:
    async def test_the_secret_is_shown_once(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = await store.create_endpoint(
            "https://hooks.example/paylinks", events=["payment_link.paid"]
        )
        assert created["id"].startswith("we_")
        assert created["secret"].startswith("whsec_")
        assert created["events"] == ["payment_link.paid"]
        shown = (await store.get(f"/v1/webhook-endpoints/{created['id']}")).json()
        assert "secret" not in shown
        listed = (await store.get("/v1/webhook-endpoints")).json()["data"]
        assert [e["id"] for e in listed] == [created["id"]]
        assert all("secret" not in e for e in listed)

    async def test_rotate_disable_enable_delete(self, api: ApiClient) -> None:
        store = await api.create_store()
        created = await store.create_endpoint("https://hooks.example/x")
        rotated = (await store.post(f"/v1/webhook-endpoints/{created['id']}/rotate-secret")).json()
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != created["secret"]
        disabled = (await store.post(f"/v1/webhook-endpoints/{created['id']}/disable")).json()
        assert disabled["status"] == "disabled"
        enabled = (await store.post(f"/v1/webhook-endpoints/{created['id']}/enable")).json()
        assert enabled["status"] == "enabled"
        assert (await store.delete(f"/v1/webhook-endpoints/{created['id']}")).status_code == 204
        assert (await store.get(f"/v1/webhook-endpoints/{created['id']}")).status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"url": "ftp://hooks.example/x"}, "url"),
            ({"url": "not a url"}, "url"),
            ({"url": "https://[::1"}, "url"),
            ({"url": "https://1.1.1.1:99999/"}, "url"),
            ({"url": "https://1.1.1.1:abc/"}, "url"),
            ({"url": "https://1.1.1.1:0/"}, "url"),
            ({"url": "https://hooks.example/x", "events": []}, "events"),
            ({"url": "https://hooks.example/x", "events": ["payment_link.exploded"]}, "events.0"),
            ({"url": "https://hooks.example/x", "colour": "red"}, "colour"),
        ],
    )
    async def test_bad_input_is_named(
        self, api: ApiClient, body: dict[str, Any], field: str
    ) -> None:
        store = await api.create_store()
        response = await store.post("/v1/webhook-endpoints", json=body)
        assert response.status_code == 422
        assert field in {e["field"] for e in response.json()["errors"]}

    async def test_a_store_has_at_most_sixteen_endpoints(self, api: ApiClient) -> None:
        store = await api.create_store()
        made = [await store.create_endpoint(f"https://hooks.example/{n}") for n in range(16)]
        refused = await store.post(
            "/v1/webhook-endpoints", json={"url": "https://hooks.example/17"}
        )
        assert refused.status_code == 409
        assert refused.json()["code"] == "endpoint_limit_reached"
        await store.delete(f"/v1/webhook-endpoints/{made[0]['id']}")
        await store.create_endpoint("https://hooks.example/17")

    async def test_another_stores_endpoint_is_404(self, api: ApiClient) -> None:
        owner = await api.create_store()
        created = await owner.create_endpoint("https://hooks.example/x")
        other = await api.create_store()
        for method, path in (
            ("get", ""),
            ("delete", ""),
            ("post", "/rotate-secret"),
            ("post", "/disable"),
        ):
            response = await getattr(other, method)(f"/v1/webhook-endpoints/{created['id']}{path}")
            assert response.status_code == 404


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["data"]]


class TestListEndpoints:
    async def test_pages_newest_first_with_limit_and_starting_after(self, api: ApiClient) -> None:
        store = await api.create_store()
        made = [await store.create_endpoint(f"https://hooks.example/{n}") for n in range(3)]
        newest_first = [e["id"] for e in reversed(made)]

        first = (await store.get("/v1/webhook-endpoints", params={"limit": 2})).json()
        second = (
            await store.get(
                "/v1/webhook-endpoints", params={"limit": 2, "starting_after": ids(first)[-1]}
            )
        ).json()
        everything = (await store.get("/v1/webhook-endpoints")).json()

        assert (ids(first), first["has_more"]) == (newest_first[:2], True)
        assert (ids(second), second["has_more"]) == (newest_first[2:], False)
        assert (ids(everything), everything["has_more"]) == (newest_first, False)

    async def test_deleted_endpoints_are_not_listed(self, api: ApiClient) -> None:
        store = await api.create_store()
        kept = await store.create_endpoint("https://hooks.example/kept")
        gone = await store.create_endpoint("https://hooks.example/gone")
        await store.delete(f"/v1/webhook-endpoints/{gone['id']}")

        page = (await store.get("/v1/webhook-endpoints", params={"limit": 1})).json()

        assert (ids(page), page["has_more"]) == ([kept["id"]], False)

    async def test_another_stores_endpoint_is_no_cursor(self, api: ApiClient) -> None:
        store = await api.create_store()
        await store.create_endpoint("https://hooks.example/mine")
        other = await api.create_store()
        theirs = await other.create_endpoint("https://hooks.example/theirs")

        response = await store.get("/v1/webhook-endpoints", params={"starting_after": theirs["id"]})

        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "starting_after"

    async def test_a_deleted_endpoint_still_pages_on(self, api: ApiClient) -> None:
        store = await api.create_store()
        older = await store.create_endpoint("https://hooks.example/older")
        gone = await store.create_endpoint("https://hooks.example/gone")
        assert (await store.delete(f"/v1/webhook-endpoints/{gone['id']}")).status_code == 204

        response = await store.get("/v1/webhook-endpoints", params={"starting_after": gone["id"]})

        assert ids(response.json()) == [older["id"]]

    @pytest.mark.parametrize("limit", ["0", "101", "ten"])
    async def test_a_bad_limit_is_422_on_limit(self, api: ApiClient, limit: str) -> None:
        store = await api.create_store()

        response = await store.get("/v1/webhook-endpoints", params={"limit": limit})

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["limit"]


class TestListDeliveries:
    async def test_pages_newest_first_with_limit_and_starting_after(self, api: ApiClient) -> None:
        store = await api.create_store()
        hooks = [await store.create_endpoint(f"https://hooks.example/{n}") for n in range(3)]
        await store.create_link()
        [event] = (await store.get("/v1/events")).json()["data"]
        # Jobs do not run in the ``api`` fixture: each redelivery makes one delivery.
        for hook in hooks:
            response = await store.post(
                f"/v1/events/{event['id']}/redeliver", json={"endpoint_id": hook["id"]}
            )
            assert response.status_code == 202, response.text
        path = f"/v1/events/{event['id']}/deliveries"

        first = (await store.get(path, params={"limit": 2})).json()
        second = (
            await store.get(path, params={"limit": 2, "starting_after": ids(first)[-1]})
        ).json()
        everything = (await store.get(path)).json()

        newest_first = [hook["id"] for hook in reversed(hooks)]
        assert [d["endpoint_id"] for d in first["data"]] == newest_first[:2]
        assert first["has_more"] is True
        assert [d["endpoint_id"] for d in second["data"]] == newest_first[2:]
        assert second["has_more"] is False
        assert ids(everything) == ids(first) + ids(second)
        assert everything["has_more"] is False

    @pytest.mark.parametrize("limit", ["0", "101", "ten"])
    async def test_a_bad_limit_is_422_on_limit(self, api: ApiClient, limit: str) -> None:
        store = await api.create_store()
        await store.create_link()
        [event] = (await store.get("/v1/events")).json()["data"]

        response = await store.get(f"/v1/events/{event['id']}/deliveries", params={"limit": limit})

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["limit"]

    async def test_another_stores_event_is_404(self, api: ApiClient) -> None:
        owner = await api.create_store()
        await owner.create_link()
        [event] = (await owner.get("/v1/events")).json()["data"]
        other = await api.create_store()

        response = await other.get(f"/v1/events/{event['id']}/deliveries")

        assert response.status_code == 404


class TestSsrfGuard:
    async def test_private_and_loopback_urls_are_refused_unless_allowed(
        self, settings: Any, api: ApiClient
    ) -> None:
        from paylinks.webhooks.model import UnsafeUrl, check_destination

        for url in (
            "http://127.0.0.1:9/x",
            "http://10.1.2.3/x",
            "http://localhost/x",
            "http://[::1]/x",
            "http://169.254.169.254/latest",
        ):
            with pytest.raises(UnsafeUrl):
                check_destination(url, allow_private=False)
            check_destination(url, allow_private=True)

    async def test_the_api_refuses_them(self, settings: Any) -> None:

        from paylinks_cli.compose import create_app
        from tests.conftest import serving

        strict = msgspec.structs.replace(settings, webhooks_allow_private=False)
        async with serving(create_app(strict, run_jobs=False)) as client:
            store = await ApiClient(client).create_store()
            for url in ("http://127.0.0.1:8080/hook", "https://1.1.1.1:99999/", "https://[::1"):
                response = await store.post("/v1/webhook-endpoints", json={"url": url})
                assert response.status_code == 422, response.text
                assert response.json()["errors"][0]["field"] == "url"


class TestDelivery:
    async def test_every_event_of_a_payment_and_refund_arrives_signed(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        store = await api_with_jobs.create_store()
        hook = await store.create_endpoint(receiver.url)
        customer = Customer(api_with_jobs.client)
        good = await store.create_link(amount=3000)
        paid = await customer.pay(good["id"])
        await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1000})
        bad = await store.create_link(amount=2000)
        failing = await customer.pay(bad["id"], CARD_REFUND_FAILS)
        await store.post(f"/v1/payments/{failing['id']}/refunds", json={})

        expected = {
            "payment_link.created",
            "payment_link.paid",
            "payment_link.refund.created",
            "payment_link.refund.succeeded",
            "payment_link.refund.failed",
        }
        await eventually(lambda: _async(set(receiver.types())), lambda t: expected <= t)
        assert expected <= set(receiver.types())

        verifier = Webhook(hook["secret"])
        for request in receiver.requests:
            envelope = verifier.verify(request.body, request.headers)
            assert request.headers["webhook-id"] == envelope["id"]
            assert envelope["store_id"] == store.store_id
            assert "payment_link" in envelope["data"]
        paid_event = next(
            msgspec.json.decode(r.body)
            for r in receiver.requests
            if msgspec.json.decode(r.body)["type"] == "payment_link.paid"
        )
        assert paid_event["data"]["payment"]["id"] == paid["id"]

    async def test_fan_out_larger_than_one_insert_reaches_every_endpoint_once(
        self, api_with_jobs: ApiClient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from paylinks.webhooks import repository

        monkeypatch.setattr(repository, "INSERT_CHUNK", 2)
        store = await api_with_jobs.create_store()
        hooks = [await store.create_endpoint(f"{receiver.url}/{n}") for n in range(5)]
        for title in ("One", "Two", "Three"):
            await store.create_link(title=title)
        await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 15)
        await asyncio.sleep(0.5)  # nothing more comes
        arrivals = [(r.path, r.headers["webhook-id"]) for r in receiver.requests]
        assert len(arrivals) == 15
        assert len(set(arrivals)) == 15
        assert {path for path, _ in arrivals} == {f"/hooks/{n}" for n in range(len(hooks))}

    async def test_thousands_of_deliveries_in_one_pass_are_all_made_once(
        self, api: ApiClient
    ) -> None:
        """100 events x 40 endpoints' worth, inserted in several statements."""
        from datetime import UTC, datetime, timedelta

        from paylinks.ids import Prefix, new_id
        from paylinks.webhooks import repository

        rows = [
            (new_id(Prefix.DELIVERY), "st_x", f"evt_{n // 40}", f"we_{n % 40}") for n in range(4000)
        ]
        now = datetime.now(UTC)
        made = await repository.insert_deliveries(rows, now, timedelta(seconds=60))
        assert len(made) == 4000
        again = await repository.insert_deliveries(
            [(new_id(Prefix.DELIVERY), *row[1:]) for row in rows], now, timedelta(seconds=60)
        )
        assert again == []  # one delivery per (event, endpoint), whatever the chunks

    async def test_only_the_chosen_types_are_sent(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        store = await api_with_jobs.create_store()
        await store.create_endpoint(receiver.url, events=["payment_link.paid"])
        link = await store.create_link()
        await Customer(api_with_jobs.client).pay(link["id"])
        await eventually(lambda: _async(receiver.types()), lambda t: len(t) >= 1)
        assert receiver.types() == ["payment_link.paid"]

    async def test_a_failing_receiver_gets_the_same_id_until_it_answers(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        receiver.statuses = [500, 503]
        store = await api_with_jobs.create_store()
        await store.create_endpoint(receiver.url)
        await store.create_link()

        async def due_now() -> int:
            # Time passes: the next attempt of the schedule becomes due.
            await WebhookDeliveryTable.raw(
                "UPDATE webhook_delivery SET next_attempt_at = created_at "
                "WHERE status = 'pending' AND attempts > 0"
            )
            return len(receiver.requests)

        await eventually(due_now, lambda n: n >= 3, within=30)
        ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) == 3
        assert len(ids) == 1
        event_id = ids.pop()
        log = (await store.get(f"/v1/events/{event_id}/deliveries")).json()["data"]
        assert log[0]["status"] == "succeeded"
        assert [a["status_code"] for a in log[0]["attempt_log"]] == [500, 503, 200]
        assert all(a["duration_ms"] >= 0 for a in log[0]["attempt_log"])
        assert log[0]["attempt_log"][0]["response_excerpt"] == "answered 500"

    async def test_redeliver_sends_again(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        store = await api_with_jobs.create_store()
        hook = await store.create_endpoint(receiver.url)
        await store.create_link()
        await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 1)
        event_id = receiver.requests[0].headers["webhook-id"]
        response = await store.post(
            f"/v1/events/{event_id}/redeliver", json={"endpoint_id": hook["id"]}
        )
        assert response.status_code == 202
        await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 2)
        assert [r.headers["webhook-id"] for r in receiver.requests] == [event_id, event_id]
        unknown = await store.post(
            f"/v1/events/{event_id}/redeliver",
            json={"endpoint_id": "we_00000000000000000000000000000000"},
        )
        assert unknown.status_code == 422

    async def test_rotation_sends_both_signatures(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        store = await api_with_jobs.create_store()
        hook = await store.create_endpoint(receiver.url)
        rotated = (await store.post(f"/v1/webhook-endpoints/{hook['id']}/rotate-secret")).json()
        await store.create_link()
        await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 1)
        request = receiver.requests[0]
        assert len(request.headers["webhook-signature"].split(" ")) == 2
        Webhook(hook["secret"]).verify(request.body, request.headers)
        Webhook(rotated["secret"]).verify(request.body, request.headers)


class TestEvents:
    async def test_list_filter_and_get(self, api: ApiClient) -> None:
        store = await api.create_store()
        first = await store.create_link()
        await store.create_link()
        await store.post(f"/v1/payment-links/{first['id']}/deactivate")
        everything = (await store.get("/v1/events")).json()["data"]
        assert [e["type"] for e in everything] == [
            "payment_link.deactivated",
            "payment_link.created",
            "payment_link.created",
        ]
        of_link = (await store.get("/v1/events", params={"payment_link_id": first["id"]})).json()[
            "data"
        ]
        assert len(of_link) == 2
        created = (await store.get("/v1/events", params={"type": "payment_link.created"})).json()[
            "data"
        ]
        assert len(created) == 2
        one = (await store.get(f"/v1/events/{everything[0]['id']}")).json()
        assert one["data"]["payment_link"]["id"] == first["id"]
        other = await api.create_store()
        assert (await other.get(f"/v1/events/{one['id']}")).status_code == 404
        bad = await store.get("/v1/events", params={"type": "nope"})
        assert bad.status_code == 422


class TestPublishedSchema:
    """The OpenAPI document's ``webhooks`` section describes what receivers really get."""

    async def test_every_delivery_matches_its_types_schema_and_the_api_shows_the_same(
        self, api_with_jobs: ApiClient, receiver: Receiver
    ) -> None:
        store = await api_with_jobs.create_store()
        await store.create_endpoint(receiver.url)
        customer = Customer(api_with_jobs.client)
        good = await store.create_link(amount=3000, metadata={"order": "42"})
        paid = await customer.pay(good["id"])
        await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1000})
        bad = await store.create_link(amount=2000)
        failing = await customer.pay(bad["id"], CARD_REFUND_FAILS)
        await store.post(f"/v1/payments/{failing['id']}/refunds", json={})
        await store.post(f"/v1/payment-links/{bad['id']}/deactivate")
        every_type = {event_type.value for event_type in EventType}
        await eventually(lambda: _async(set(receiver.types())), lambda t: every_type <= t)

        document = (await api_with_jobs.client.get("/docs/openapi.json")).json()
        assert set(document["webhooks"]) == every_type
        for request in receiver.requests:
            delivered = msgspec.json.decode(request.body)
            body = document["webhooks"][delivered["type"]]["post"]["requestBody"]
            schema = body["content"]["application/json"]["schema"]
            # The document's components resolve the schema's references.
            validator = Draft202012Validator({**schema, "components": document["components"]})
            assert not list(validator.iter_errors(delivered)), delivered["type"]
            shown = await store.get(f"/v1/events/{delivered['id']}")
            assert shown.text == request.body


async def _async(value: Any) -> Any:
    return value


class TestRestart:
    async def test_a_restarted_worker_still_delivers(
        self, settings: Any, receiver: Receiver
    ) -> None:

        from paylinks_cli.compose import create_app
        from tests.conftest import serving

        receiver.statuses = [500]

        async with serving(create_app(settings, run_jobs=True)) as first_client:
            store = await ApiClient(first_client).create_store()
            await store.create_endpoint(receiver.url)
            await store.create_link()
            await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 1)
        # The worker is gone with its first attempt failed; the retry is in the database.
        assert len(receiver.requests) == 1
        pending = await WebhookDeliveryTable.select().where(
            WebhookDeliveryTable.status == "pending"
        )
        assert len(pending) == 1
        assert pending[0]["attempts"] == 1
        await WebhookDeliveryTable.update(
            {WebhookDeliveryTable.next_attempt_at: pending[0]["created_at"]}
        ).where(WebhookDeliveryTable.id == pending[0]["id"])

        async with serving(create_app(settings, run_jobs=True)):
            await eventually(lambda: _async(len(receiver.requests)), lambda n: n >= 2)
        assert len(receiver.requests) == 2
        assert (
            receiver.requests[0].headers["webhook-id"] == receiver.requests[1].headers["webhook-id"]
        )
