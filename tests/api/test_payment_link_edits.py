"""Editing and reactivating payment links (SPEC §2 "Editing", "Reactivation"): every
field, the clears, the rules of creation, the locks that payments put on a link, the
event, and a cap edited while customers pay."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from paylinks.events.tables import EventTable
from paylinks.links.edits import AMOUNT_FIELDS, EDITABLE
from paylinks.links.tables import PaymentLinkTable
from paylinks.payments.tables import PaymentTable
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer, StoreClient, image_bytes, upload_image


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


@pytest.fixture
def customer(api: ApiClient) -> Customer:
    return Customer(api.client)


async def edit(store: StoreClient, link_id: str, **body: Any) -> dict[str, Any]:
    response = await store.patch(f"/v1/payment-links/{link_id}", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def refused(store: StoreClient, link_id: str, status: int, **body: Any) -> dict[str, Any]:
    response = await store.patch(f"/v1/payment-links/{link_id}", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return dict(response.json())


def fields(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem["errors"]}


async def event_types(link_id: str) -> list[str]:
    rows = await EventTable.select(EventTable.type).where(EventTable.payment_link_id == link_id)
    return sorted(row["type"] for row in rows)


class TestEdit:
    async def test_every_editable_field(self, store: StoreClient, clock: FrozenClock) -> None:
        link = await store.create_link()
        venue = await store.create_venue()
        image = (await upload_image(store, image_bytes())).json()
        expires = (clock.now + timedelta(days=3)).isoformat()
        body = {
            "title": "  Decaf beans ",
            "description": "500 g",
            "reference": "INV-9",
            "image_id": image["id"],
            "expires_at": expires,
            "max_payments": 7,
            "customer_fields": {"email": "required"},
            "after_payment": {"type": "redirect", "url": "https://shop.example/ok"},
            "venue_id": venue["id"],
            "metadata": {"order": "43"},
            "amount": 990,
        }
        edited = await edit(store, link["id"], **body)
        assert edited["title"] == "Decaf beans"
        assert (edited["description"], edited["reference"]) == ("500 g", "INV-9")
        assert edited["image_url"].endswith(image["id"])
        assert edited["max_payments"] == 7
        assert edited["customer_fields"]["email"] == "required"
        assert edited["after_payment"] == {"type": "redirect", "url": "https://shop.example/ok"}
        assert (edited["venue_id"], edited["metadata"]) == (venue["id"], {"order": "43"})
        assert edited["amount"] == 990
        assert (edited["type"], edited["currency"], edited["id"]) == (
            link["type"],
            link["currency"],
            link["id"],
        )
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json() == edited

    async def test_absent_fields_stay_as_they_are(self, store: StoreClient) -> None:
        link = await store.create_link(description="250 g", metadata={"a": "b"}, max_payments=3)
        edited = await edit(store, link["id"], title="Renamed")
        assert edited == {**link, "title": "Renamed"}

    async def test_null_clears_optional_fields(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        venue = await store.create_venue()
        link = await store.create_link(
            description="250 g",
            reference="INV-7",
            expires_at=(clock.now + timedelta(days=1)).isoformat(),
            max_payments=4,
            customer_fields={"phone": "optional"},
            after_payment={"type": "thank_you", "message": "Cheers"},
            venue_id=venue["id"],
            metadata={"k": "v"},
        )
        # Every editable field but the title and the amounts (which a fixed link needs).
        cleared = dict.fromkeys(EDITABLE - AMOUNT_FIELDS - {"title"})
        edited = await edit(store, link["id"], **cleared)
        for field in ("description", "reference", "expires_at", "max_payments", "venue_id"):
            assert edited[field] is None, field
        assert set(edited["customer_fields"].values()) == {"disabled"}
        assert edited["after_payment"] == {"type": "thank_you", "message": None}
        assert edited["metadata"] == {}

    async def test_an_amount_type_switch_clears_by_null(self, store: StoreClient) -> None:
        link = await store.create_link(amount=1450)
        problem = await refused(store, link["id"], 422, amount_type="variable")
        assert fields(problem) == {"amount"}
        edited = await edit(store, link["id"], amount_type="variable", amount=None, min_amount=100)
        assert (edited["amount_type"], edited["amount"], edited["min_amount"]) == (
            "variable",
            None,
            100,
        )

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": "   "}, "title"),
            ({"title": None}, "title"),
            ({"title": "x" * 121}, "title"),
            ({"description": "x" * 1001}, "description"),
            ({"reference": "a\nb"}, "reference"),
            ({"amount": 0}, "amount"),
            ({"amount": "100"}, "amount"),
            ({"amount": None}, "amount"),
            ({"min_amount": 100}, "min_amount"),
            ({"max_payments": 0}, "max_payments"),
            ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
            ({"after_payment": {"type": "redirect", "url": "ftp://x"}}, "after_payment.url"),
            ({"customer_fields": {"email": "sometimes"}}, "customer_fields.email"),
            ({"metadata": {f"k{i}": "v" for i in range(21)}}, "metadata"),
            ({"venue_id": "venue_00000000000000000000000000000000"}, "venue_id"),
            ({"image_id": "img_00000000000000000000000000000000"}, "image_id"),
            ({"type": "one_off"}, "type"),
            ({"currency": "EUR"}, "currency"),
            ({"colour": "red"}, "colour"),
        ],
    )
    async def test_bad_values_are_named(
        self, store: StoreClient, body: dict[str, Any], field: str
    ) -> None:
        link = await store.create_link()
        problem = await refused(store, link["id"], 422, **body)
        assert fields(problem) == {field}
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json() == link

    async def test_the_body_must_be_strict_json(self, store: StoreClient) -> None:
        link = await store.create_link()
        path = f"/v1/payment-links/{link['id']}"
        form = await store.patch(
            path, content=b"title=Form", headers={"Content-Type": "text/plain"}
        )
        twice = await store.patch(
            path,
            content=b'{"title": "A", "title": "B"}',
            headers={"Content-Type": "application/json"},
        )
        assert (form.status_code, twice.status_code) == (415, 400)
        assert (await store.get(path)).json() == link

    async def test_a_one_off_link_takes_no_cap(self, store: StoreClient) -> None:
        link = await store.create_link(type="one_off")
        assert fields(await refused(store, link["id"], 422, max_payments=2)) == {"max_payments"}

    async def test_an_expired_link_can_still_be_edited(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        link = await store.create_link(expires_at=(clock.now + timedelta(minutes=1)).isoformat())
        clock.advance(minutes=2)
        assert (await edit(store, link["id"], title="Late"))["status"] == "expired"
        reopened = await edit(
            store, link["id"], expires_at=(clock.now + timedelta(days=1)).isoformat()
        )
        assert reopened["status"] == "active"

        async def listed(status: str) -> list[str]:
            body = (await store.get("/v1/payment-links", params={"status": status})).json()
            return [item["id"] for item in body["data"]]

        # The edited time is stored as the column's other times are: SQL compares it right.
        assert await listed("active") == [link["id"]]
        clock.advance(days=2)
        assert await listed("expired") == [link["id"]]
        assert (await customer.start(link["id"])).json()["code"] == "link_expired"

    async def test_another_stores_link_is_404(self, api: ApiClient, store: StoreClient) -> None:
        link = await store.create_link()
        other = await api.create_store()
        for path in (f"/v1/payment-links/{link['id']}", "/v1/payment-links/nonsense"):
            response = await other.patch(path, json={"title": "Mine"})
            assert response.status_code == 404
            assert response.json()["code"] == "resource_missing"
        activate = await other.post(f"/v1/payment-links/{link['id']}/activate")
        assert activate.status_code == 404
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json() == link

    async def test_an_edit_fires_updated_and_a_no_op_does_not(self, store: StoreClient) -> None:
        link = await store.create_link()
        await edit(store, link["id"])
        await edit(store, link["id"], title=link["title"], amount=link["amount"])
        assert await event_types(link["id"]) == ["payment_link.created"]
        await edit(store, link["id"], title="New")
        assert await event_types(link["id"]) == ["payment_link.created", "payment_link.updated"]
        event = (await store.get("/v1/events", params={"type": "payment_link.updated"})).json()
        assert event["data"][0]["data"]["payment_link"]["title"] == "New"
        endpoint = await store.create_endpoint(
            "http://127.0.0.1:9/hooks", events=["payment_link.updated"]
        )
        assert endpoint["events"] == ["payment_link.updated"]


class TestIdempotentEdits:
    async def test_a_retried_edit_replays_and_fires_one_event(self, store: StoreClient) -> None:
        link = await store.create_link(title="Beans")
        path = f"/v1/payment-links/{link['id']}"
        key = {"Idempotency-Key": "edit-title-1"}
        first = await store.patch(path, json={"title": "Coffee beans"}, headers=key)
        again = await store.patch(path, json={"title": "Coffee beans"}, headers=key)
        assert first.status_code == again.status_code == 200, first.text
        assert "idempotent-replayed" not in first.headers
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        events = (await store.get("/v1/events", params={"type": "payment_link.updated"})).json()
        assert len(events["data"]) == 1

    async def test_the_key_with_another_edit_is_409(self, store: StoreClient) -> None:
        link = await store.create_link(title="Beans")
        path = f"/v1/payment-links/{link['id']}"
        key = {"Idempotency-Key": "edit-title-2"}
        assert (await store.patch(path, json={"title": "A"}, headers=key)).status_code == 200
        reused = await store.patch(path, json={"title": "B"}, headers=key)
        assert reused.status_code == 409
        assert reused.json()["code"] == "idempotency_key_reused"
        assert (await store.get(path)).json()["title"] == "A"

    async def test_a_refused_edit_leaves_the_key_for_the_corrected_one(
        self, store: StoreClient
    ) -> None:
        link = await store.create_link(title="Beans")
        path = f"/v1/payment-links/{link['id']}"
        key = {"Idempotency-Key": "edit-title-3"}
        refused = await store.patch(path, json={"title": "  "}, headers=key)
        assert refused.status_code == 422
        fixed = await store.patch(path, json={"title": "Tea"}, headers=key)
        assert fixed.status_code == 200
        assert "idempotent-replayed" not in fixed.headers


class TestPaymentsLockTheAmount:
    async def test_amount_changes_until_the_first_payment(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(amount=1450)
        await edit(store, link["id"], amount=1500)
        await customer.pay(link["id"])
        problem = await refused(store, link["id"], 409, amount=1600)
        assert problem["code"] == "link_has_payments"
        for body in ({"amount_type": "variable", "amount": None}, {"min_amount": 5}):
            assert (
                await store.patch(f"/v1/payment-links/{link['id']}", json=body)
            ).status_code in (
                409,
                422,
            )
        # Sending the amount it has (a form sends every field) is no change.
        edited = await edit(store, link["id"], amount=1500, title="Still editable")
        assert (edited["amount"], edited["title"]) == (1500, "Still editable")

    async def test_a_payment_under_way_locks_it_too(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(amount_type="variable", amount=None)
        started = await customer.start(link["id"], amount=500)
        assert started.status_code == 201, started.text
        problem = await refused(store, link["id"], 409, max_amount=400)
        assert problem["code"] == "link_has_payments"


class TestCap:
    async def test_not_below_payments_taken_plus_held(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(max_payments=5)
        await customer.pay(link["id"])
        assert (await customer.start(link["id"])).status_code == 201
        problem = await refused(store, link["id"], 422, max_payments=1)
        assert fields(problem) == {"max_payments"}
        assert "At least 2" in problem["errors"][0]["message"]
        edited = await edit(store, link["id"], max_payments=2)
        assert (edited["max_payments"], edited["status"]) == (2, "active")

    async def test_timed_out_holds_do_not_count(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        link = await store.create_link(max_payments=5)
        assert (await customer.start(link["id"])).status_code == 201
        clock.advance(hours=1)
        edited = await edit(store, link["id"], max_payments=1)
        assert edited["max_payments"] == 1

    async def test_a_cap_equal_to_the_payments_closes_the_link(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(max_payments=5)
        await customer.pay(link["id"])
        edited = await edit(store, link["id"], max_payments=1)
        assert (edited["status"], edited["inactive_reason"]) == (
            "inactive",
            "max_payments_reached",
        )
        assert edited["deactivated_at"] is not None


class TestActivate:
    async def activate(self, store: StoreClient, link_id: str, **kwargs: Any) -> Any:
        return await store.post(f"/v1/payment-links/{link_id}/activate", **kwargs)

    async def test_undoes_a_deactivation(self, store: StoreClient) -> None:
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        response = await self.activate(store, link["id"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["inactive_reason"], body["deactivated_at"]) == (
            "active",
            None,
            None,
        )
        assert await event_types(link["id"]) == [
            "payment_link.created",
            "payment_link.deactivated",
            "payment_link.updated",
        ]

    async def test_an_active_link_is_left_as_it_is(self, store: StoreClient) -> None:
        link = await store.create_link()
        response = await self.activate(store, link["id"])
        assert (response.status_code, response.json()) == (200, link)
        assert await event_types(link["id"]) == ["payment_link.created"]

    async def test_a_paid_one_off_link_stays_completed(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        await customer.pay(link["id"])
        response = await self.activate(store, link["id"])
        assert (response.status_code, response.json()["code"]) == (409, "link_completed")

    async def test_a_capped_link_at_its_cap_stays_until_the_cap_is_raised(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(max_payments=1)
        await customer.pay(link["id"])
        response = await self.activate(store, link["id"])
        assert (response.status_code, response.json()["code"]) == (
            409,
            "link_max_payments_reached",
        )
        edited = await edit(store, link["id"], max_payments=2)
        assert edited["status"] == "inactive"
        reopened = await self.activate(store, link["id"])
        assert reopened.json()["status"] == "active"
        assert (await customer.pay(link["id"]))["status"] == "succeeded"

    async def test_is_idempotent_with_a_key(self, store: StoreClient) -> None:
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        key = {"Idempotency-Key": "reactivate-1"}
        first = await self.activate(store, link["id"], headers=key)
        again = await self.activate(store, link["id"], headers=key)
        assert first.json() == again.json()
        assert again.headers.get("idempotent-replayed") == "true"


class TestRacingCheckouts:
    async def test_paid_plus_held_never_exceeds_the_cap(
        self, store: StoreClient, customer: Customer
    ) -> None:
        """Customers start and confirm while the merchant lowers the cap: whichever wins
        each race, the link never holds more payments than its cap allows."""
        link = await store.create_link(max_payments=40)

        async def pay() -> None:
            started = await customer.start(link["id"])
            if started.status_code == 201:
                await customer.confirm(started.json()["id"])

        async def lower(cap: int) -> int:
            body = {"max_payments": cap}
            response = await store.patch(f"/v1/payment-links/{link['id']}", json=body)
            assert response.status_code in (200, 422), response.text
            return response.status_code

        outcomes = await asyncio.gather(
            *(pay() for _ in range(30)), *(lower(cap) for cap in (30, 25, 20, 15, 10, 5))
        )
        row = await PaymentLinkTable.select().where(PaymentLinkTable.id == link["id"]).first()
        assert row is not None
        taken = await PaymentTable.count().where(
            (PaymentTable.payment_link_id == link["id"])
            & PaymentTable.status.is_in(["succeeded", "pending"])
        )
        assert row["payments_count"] + row["slots_held"] <= row["capacity"]
        assert taken <= row["capacity"] == row["max_payments"]
        assert 200 in outcomes  # 30 leaves room for every customer

    async def test_an_amount_edit_racing_checkouts_never_reprices_a_payment(
        self, store: StoreClient, customer: Customer
    ) -> None:
        """Either the edit lands before every payment (all at the new amount) or it is
        refused: no payment is left at an amount the link no longer has."""
        link = await store.create_link(amount=1450)

        async def start() -> None:
            await customer.start(link["id"])

        async def reprice() -> int:
            path = f"/v1/payment-links/{link['id']}"
            return (await store.patch(path, json={"amount": 990})).status_code

        *_, status = await asyncio.gather(*(start() for _ in range(10)), reprice())
        amounts = {
            row["amount"]
            for row in await PaymentTable.select(PaymentTable.amount).where(
                PaymentTable.payment_link_id == link["id"]
            )
        }
        final = (await store.get(f"/v1/payment-links/{link['id']}")).json()["amount"]
        assert status in (200, 409)
        assert amounts <= {final}
