"""The payment-links API: every rule of SPEC §2 through HTTP, lists, deactivation, events."""

from datetime import timedelta
from typing import Any

import pytest

from paylinks.events.tables import EventTable
from tests.conftest import FrozenClock
from tests.factories import ApiClient, StoreClient


def fields_of(response: Any) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


class TestCreate:
    async def test_a_fixed_link_has_every_field(self, store: StoreClient) -> None:
        link = await store.create_link(
            title="  Espresso beans  ",
            description="250 g",
            reference="INV-7",
            type="one_off",
            amount=1450,
            metadata={"order": "42"},
            customer_fields={"email": "required", "phone": "optional"},
            after_payment={"type": "thank_you", "message": "Thanks!"},
        )
        assert link["id"].startswith("plink_")
        assert len(link["id"]) == 38
        assert link["url"] == f"http://checkout.test/pay/{link['id']}"
        assert link["title"] == "Espresso beans"
        assert link["currency"] == "GBP"
        assert link["status"] == "active"
        assert link["inactive_reason"] is None
        assert link["customer_fields"] == {
            "business_name": "disabled",
            "customer_name": "disabled",
            "email": "required",
            "phone": "optional",
        }
        assert link["after_payment"] == {"type": "thank_you", "message": "Thanks!"}
        assert (link["payments_count"], link["amount_collected"], link["amount_refunded"]) == (
            0,
            0,
            0,
        )

    async def test_a_variable_link_with_bounds_and_a_redirect(self, store: StoreClient) -> None:
        link = await store.create_link(
            amount=None,
            amount_type="variable",
            min_amount=100,
            max_amount=5000,
            max_payments=3,
            after_payment={"type": "redirect", "url": "https://shop.example/ok"},
        )
        assert (link["min_amount"], link["max_amount"], link["max_payments"]) == (100, 5000, 3)
        assert link["after_payment"]["url"] == "https://shop.example/ok"

    async def test_the_store_currency_is_copied(self, api: ApiClient) -> None:
        store = await api.create_store(currency="JPY")
        link = await store.create_link(amount=500)
        assert link["currency"] == "JPY"

    async def test_http_redirects_are_allowed_for_localhost_only(self, store: StoreClient) -> None:
        link = await store.create_link(
            after_payment={"type": "redirect", "url": "http://localhost:5173/done"}
        )
        assert link["after_payment"]["url"] == "http://localhost:5173/done"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"amount": None}, "amount"),
            ({"amount": 0}, "amount"),
            ({"amount": -5}, "amount"),
            ({"amount_type": "variable"}, "amount"),
            (
                {"amount": None, "amount_type": "variable", "min_amount": 500, "max_amount": 100},
                "min_amount",
            ),
            ({"min_amount": 100}, "min_amount"),
            ({"type": "one_off", "max_payments": 2}, "max_payments"),
            ({"max_payments": 0}, "max_payments"),
            ({"expires_at": "2000-01-01T00:00:00Z"}, "expires_at"),
            ({"expires_at": "2099-01-01T00:00:00"}, "expires_at"),
            ({"expires_at": "next tuesday"}, "expires_at"),
            ({"expires_at": "9999-12-31T23:59:59-14:00"}, "expires_at"),
            ({"title": ""}, "title"),
            ({"title": "    "}, "title"),
            ({"title": "x" * 121}, "title"),
            ({"description": "x" * 1001}, "description"),
            ({"reference": "x" * 121}, "reference"),
            ({"colour": "blue"}, "colour"),
            ({"amount": "14.50"}, "amount"),
            ({"amount": 14.5}, "amount"),
            ({"title": 7}, "title"),
            ({"type": "forever"}, "type"),
            ({"customer_fields": {"email": "sometimes"}}, "customer_fields.email"),
            ({"customer_fields": {"fax": "required"}}, "customer_fields.fax"),
            (
                {"after_payment": {"type": "redirect", "url": "http://shop.example/ok"}},
                "after_payment.url",
            ),
            ({"after_payment": {"type": "redirect", "url": "/relative"}}, "after_payment.url"),
            (
                {"after_payment": {"type": "thank_you", "message": "x" * 501}},
                "after_payment.message",
            ),
            ({"after_payment": {"type": "confetti"}}, "after_payment.type"),
            ({"metadata": {f"k{i}": "v" for i in range(21)}}, "metadata"),
            ({"metadata": {"k" * 41: "v"}}, "metadata." + "k" * 40),
            ({"metadata": {"k": "v" * 501}}, "metadata.k"),
            ({"metadata": {"k": 1}}, "metadata"),
            ({"venue_id": "venue_00000000000000000000000000000000"}, "venue_id"),
            ({"image_id": "img_00000000000000000000000000000000"}, "image_id"),
        ],
    )
    async def test_each_invalid_field_is_named(
        self, store: StoreClient, body: dict[str, Any], field: str
    ) -> None:
        response = await store.post(
            "/v1/payment-links", json={"title": "Beans", "amount": 1450, **body}
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
        assert field in fields_of(response)

    async def test_every_broken_rule_is_listed_at_once(self, store: StoreClient) -> None:
        response = await store.post(
            "/v1/payment-links",
            json={
                "title": "",
                "amount_type": "variable",
                "amount": 5,
                "min_amount": 9,
                "max_amount": 1,
                "type": "one_off",
                "max_payments": 4,
            },
        )
        assert fields_of(response) == {"title", "amount", "min_amount", "max_payments"}

    async def test_a_body_that_is_not_json_is_a_400(self, store: StoreClient) -> None:
        response = await store.post(
            "/v1/payment-links", content=b"{title:", headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_json"

    async def test_nothing_is_written_when_invalid(self, store: StoreClient) -> None:
        await store.post("/v1/payment-links", json={"title": "", "amount": 1})
        listed = await store.get("/v1/payment-links")
        assert listed.json()["data"] == []
        assert await EventTable.count() == 0

    async def test_creation_writes_the_created_event(self, store: StoreClient) -> None:
        link = await store.create_link()
        events = await EventTable.select().where(EventTable.payment_link_id == link["id"])
        assert [event["type"] for event in events] == ["payment_link.created"]
        assert events[0]["store_id"] == store.store_id


class TestStatus:
    async def test_expired_is_exact_at_request_time(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        expires = (clock.now + timedelta(hours=1)).isoformat()
        link = await store.create_link(expires_at=expires)
        clock.advance(minutes=59, seconds=59)
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json()["status"] == "active"
        clock.advance(seconds=1)
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json()["status"] == "expired"

    async def test_deactivation_makes_it_inactive_once(self, store: StoreClient) -> None:
        link = await store.create_link()
        first = await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        assert first.status_code == 200
        body = first.json()
        assert (body["status"], body["inactive_reason"]) == ("inactive", "deactivated")
        assert body["deactivated_at"] is not None
        again = await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        assert again.status_code == 200
        assert again.json()["deactivated_at"] == body["deactivated_at"]
        types = [
            e["type"]
            for e in await EventTable.select(EventTable.type)
            .where(EventTable.payment_link_id == link["id"])
            .order_by(EventTable.id)
        ]
        assert types == ["payment_link.created", "payment_link.deactivated"]

    async def test_an_expired_link_can_be_deactivated(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        link = await store.create_link(expires_at=(clock.now + timedelta(minutes=1)).isoformat())
        clock.advance(minutes=2)
        body = (await store.post(f"/v1/payment-links/{link['id']}/deactivate")).json()
        assert body["status"] == "inactive"

    async def test_unknown_link_is_404(self, store: StoreClient) -> None:
        for path in (
            "/v1/payment-links/plink_00000000000000000000000000000000",
            "/v1/payment-links/nonsense",
        ):
            response = await store.get(path)
            assert response.status_code == 404
            assert response.json()["code"] == "resource_missing"
        deactivate = await store.post("/v1/payment-links/nonsense/deactivate")
        assert deactivate.status_code == 404


class TestList:
    async def test_newest_first_with_cursor_pagination(self, store: StoreClient) -> None:
        ids = [(await store.create_link(title=f"Link {i}"))["id"] for i in range(5)]
        first = (await store.get("/v1/payment-links", params={"limit": 2})).json()
        assert [link["id"] for link in first["data"]] == ids[::-1][:2]
        assert first["has_more"] is True
        second = (
            await store.get(
                "/v1/payment-links", params={"limit": 2, "starting_after": first["data"][-1]["id"]}
            )
        ).json()
        assert [link["id"] for link in second["data"]] == ids[::-1][2:4]
        last = (
            await store.get(
                "/v1/payment-links", params={"limit": 2, "starting_after": second["data"][-1]["id"]}
            )
        ).json()
        assert [link["id"] for link in last["data"]] == [ids[0]]
        assert last["has_more"] is False

    @pytest.mark.parametrize("limit", ["0", "101", "ten"])
    async def test_limit_out_of_range_is_named(self, store: StoreClient, limit: str) -> None:
        response = await store.get("/v1/payment-links", params={"limit": limit})
        assert response.status_code in (400, 422)
        assert "limit" in fields_of(response)

    async def test_status_filter_is_exact_including_expired(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        active = await store.create_link(title="Active")
        expiring = await store.create_link(
            title="Expiring", expires_at=(clock.now + timedelta(minutes=5)).isoformat()
        )
        stopped = await store.create_link(title="Stopped")
        await store.post(f"/v1/payment-links/{stopped['id']}/deactivate")
        clock.advance(minutes=5)

        async def listed(status: str) -> set[str]:
            body = (await store.get("/v1/payment-links", params={"status": status})).json()
            return {link["id"] for link in body["data"]}

        assert await listed("active") == {active["id"]}
        assert await listed("expired") == {expiring["id"]}
        assert await listed("inactive") == {stopped["id"]}
        bad = await store.get("/v1/payment-links", params={"status": "paused"})
        assert "status" in fields_of(bad)

    async def test_type_and_venue_filters(self, store: StoreClient) -> None:
        venue = await store.create_venue()
        one_off = await store.create_link(type="one_off", venue_id=venue["id"])
        await store.create_link(type="reusable")
        by_type = (await store.get("/v1/payment-links", params={"type": "one_off"})).json()
        assert [link["id"] for link in by_type["data"]] == [one_off["id"]]
        by_venue = (await store.get("/v1/payment-links", params={"venue_id": venue["id"]})).json()
        assert [link["id"] for link in by_venue["data"]] == [one_off["id"]]

    async def test_search_matches_title_and_reference_case_insensitively(
        self, store: StoreClient
    ) -> None:
        beans = await store.create_link(title="Espresso Beans")
        invoice = await store.create_link(title="Consulting", reference="INV-2044")
        await store.create_link(title="Gift card")
        await store.create_link(title="100% cotton bag")

        async def found(q: str) -> set[str]:
            body = (await store.get("/v1/payment-links", params={"q": q})).json()
            return {link["title"] for link in body["data"]}

        assert await found("espresso") == {beans["title"]}
        assert await found("inv-20") == {invoice["title"]}
        assert await found("%") == {"100% cotton bag"}
        assert await found("_") == set()
