"""The public checkout: the link's public view, starting and confirming payments."""

import csv
import io
from datetime import timedelta

import pytest

from tests.conftest import FrozenClock
from tests.factories import CARD_DECLINED, CARD_OK, ApiClient, Customer, StoreClient


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


@pytest.fixture
def customer(api: ApiClient) -> Customer:
    return Customer(api.client)


class TestPublicLink:
    async def test_shows_what_the_customer_needs_and_nothing_internal(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(
            reference="INV-9", metadata={"secret": "x"}, description="250 g"
        )
        body = (await customer.client.get(f"/v1/checkout/links/{link['id']}")).json()
        assert body["merchant_name"] == "Acme Coffee"
        assert (body["title"], body["amount"], body["currency"]) == ("Espresso beans", 1450, "GBP")
        assert body["status"] == "active"
        assert body["gateway"] == "sandbox"
        for internal in ("reference", "metadata", "payments_count", "amount_collected", "store_id"):
            assert internal not in body

    async def test_inactive_and_expired_links_say_so(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        stopped = await store.create_link()
        await store.post(f"/v1/payment-links/{stopped['id']}/deactivate")
        expiring = await store.create_link(
            expires_at=(clock.now + timedelta(minutes=1)).isoformat()
        )
        clock.advance(minutes=2)
        body = (await customer.client.get(f"/v1/checkout/links/{stopped['id']}")).json()
        assert body["message"] == "This payment link is no longer active."
        body = (await customer.client.get(f"/v1/checkout/links/{expiring['id']}")).json()
        assert (body["status"], body["message"]) == ("expired", "This payment link has expired.")
        for link, code in ((stopped, "link_inactive"), (expiring, "link_expired")):
            response = await customer.start(link["id"])
            assert response.status_code == 409
            assert response.json()["code"] == code

    async def test_unknown_link_is_404(self, customer: Customer) -> None:
        response = await customer.client.get("/v1/checkout/links/plink_nope")
        assert response.status_code == 404


class TestPay:
    async def test_a_fixed_link_paid_with_4242(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(customer_fields={"email": "required", "phone": "optional"})
        paid = await customer.pay(
            link["id"], customer={"email": "Ann@Example.com ", "phone": "+1 650-253-0000"}
        )
        assert paid["status"] == "succeeded"
        assert paid["reference"]
        assert paid["after_payment"] == {
            "type": "thank_you",
            "message": "Thank you! Your payment was received.",
        }
        payment = (await store.get(f"/v1/payments/{paid['id']}")).json()
        assert payment["customer"] == {
            "business_name": None,
            "customer_name": None,
            "email": "Ann@example.com",
            "phone": "+16502530000",
        }
        link_now = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (link_now["payments_count"], link_now["amount_collected"]) == (1, 1450)

    async def test_a_declined_card_then_4242(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link(type="one_off")
        declined = await customer.pay(link["id"], CARD_DECLINED)
        assert declined["status"] == "failed"
        assert declined["failure_reason"] == "Your card was declined."
        paid = await customer.pay(link["id"], CARD_OK)
        assert paid["status"] == "succeeded"
        link_now = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (link_now["status"], link_now["inactive_reason"]) == ("inactive", "completed")

    async def test_redirect_appends_the_ids(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link(
            after_payment={"type": "redirect", "url": "https://shop.example/done?x=1"}
        )
        paid = await customer.pay(link["id"])
        assert paid["after_payment"]["url"] == (
            f"https://shop.example/done?x=1&payment_id={paid['id']}&payment_link_id={link['id']}"
        )

    async def test_a_one_off_link_takes_one_payment(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        await customer.pay(link["id"])
        response = await customer.start(link["id"])
        assert response.status_code == 409
        assert response.json()["code"] == "link_inactive"

    async def test_a_held_last_slot_answers_when_to_retry(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        link = await store.create_link(type="one_off")
        first = await customer.start(link["id"])
        assert first.status_code == 201
        second = await customer.start(link["id"])
        assert second.status_code == 409
        body = second.json()
        assert body["code"] == "link_unavailable"
        assert int(second.headers["retry-after"]) == body["retry_after"] > 0
        clock.advance(seconds=body["retry_after"])
        third = await customer.start(link["id"])
        assert third.status_code == 201
        late = await customer.confirm(first.json()["id"])
        assert late.status_code == 409
        assert late.json()["code"] in ("payment_expired", "payment_not_pending")


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"amount": 50}, "amount"),
            ({"amount": 10_001}, "amount"),
            ({}, "amount"),
            ({"amount": "12.50"}, "amount"),
            ({"amount": 500, "customer": {"email": "not-an-email"}}, "customer.email"),
            (
                {"amount": 500, "customer": {"email": "a@example.com", "phone": "12"}},
                "customer.phone",
            ),
            ({"amount": 500, "customer": {"phone": "+16502530000"}}, "customer.email"),
            ({"amount": 500, "customer": {"email": "a@example.com", "fax": "1"}}, "customer.fax"),
            ({"amount": 500, "tip": 5}, "tip"),
        ],
    )
    async def test_variable_link_rules(
        self, store: StoreClient, customer: Customer, body: dict[str, object], field: str
    ) -> None:
        link = await store.create_link(
            amount=None,
            amount_type="variable",
            min_amount=100,
            max_amount=10_000,
            customer_fields={"email": "required", "phone": "optional"},
        )
        response = await customer.client.post(
            f"/v1/checkout/links/{link['id']}/payments", json=body
        )
        assert response.status_code == 422, response.text
        assert field in {e["field"] for e in response.json()["errors"]}
        listed = await store.get(f"/v1/payment-links/{link['id']}/payments")
        assert listed.json()["data"] == []

    async def test_an_amount_on_a_fixed_link_is_refused(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        response = await customer.start(link["id"], amount=1)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "amount"

    async def test_optional_fields_may_be_blank_and_disabled_ones_are_dropped(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(customer_fields={"customer_name": "optional"})
        paid = await customer.pay(
            link["id"], customer={"customer_name": "  ", "email": "ignored@example.com"}
        )
        payment = (await store.get(f"/v1/payments/{paid['id']}")).json()
        assert payment["customer"] == {
            "business_name": None,
            "customer_name": None,
            "email": None,
            "phone": None,
        }

    @pytest.mark.parametrize(
        ("card", "field"),
        [
            ({"number": "4242424242424241"}, "card.number"),
            ({"number": "abcd"}, "card.number"),
            ({"exp_month": 13}, "card.exp_month"),
            ({"exp_year": 2020}, "card.exp_year"),
            ({"cvc": "12"}, "card.cvc"),
        ],
    )
    async def test_bad_cards_are_named_and_change_nothing(
        self, store: StoreClient, customer: Customer, card: dict[str, object], field: str
    ) -> None:
        link = await store.create_link()
        started = (await customer.start(link["id"])).json()
        good = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
        response = await customer.confirm(started["id"], {**good, **card})
        assert response.status_code == 422
        assert field in {e["field"] for e in response.json()["errors"]}
        still = await customer.client.get(f"/v1/checkout/payments/{started['id']}")
        assert still.json()["status"] == "pending"

    async def test_confirm_twice_and_unknown_payment(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        paid = await customer.pay(link["id"])
        again = await customer.confirm(paid["id"])
        assert again.status_code == 409
        assert again.json()["code"] == "payment_not_pending"
        unknown = await customer.confirm("pay_00000000000000000000000000000000")
        assert unknown.status_code == 404

    async def test_payment_status_page_after_success(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(
            after_payment={"type": "thank_you", "message": "See you soon"}
        )
        paid = await customer.pay(link["id"])
        body = (await customer.client.get(f"/v1/checkout/payments/{paid['id']}")).json()
        assert body["status"] == "succeeded"
        assert body["after_payment"] == {"type": "thank_you", "message": "See you soon"}
        assert body["reference"] == paid["reference"]


class TestTransactions:
    async def test_list_filter_and_csv(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link(customer_fields={"email": "required"})
        ok = await customer.pay(link["id"], customer={"email": "=cmd@example.com"})
        bad = await customer.pay(link["id"], CARD_DECLINED, customer={"email": "b@example.com"})
        listed = (await store.get(f"/v1/payment-links/{link['id']}/payments")).json()
        assert [p["id"] for p in listed["data"]] == [bad["id"], ok["id"]]
        only_ok = (
            await store.get(
                f"/v1/payment-links/{link['id']}/payments", params={"status": "succeeded"}
            )
        ).json()
        assert [p["id"] for p in only_ok["data"]] == [ok["id"]]
        first = only_ok["data"][0]
        assert (first["amount"], first["currency"], first["customer"]["email"]) == (
            1450,
            "GBP",
            "=cmd@example.com",
        )
        assert first["reference"] == ok["reference"]

        export = await store.get(f"/v1/payment-links/{link['id']}/payments.csv")
        assert export.headers["content-type"].startswith("text/csv")
        header, *rows = list(csv.reader(io.StringIO(export.text)))
        assert header[:6] == ["id", "created_at", "paid_at", "status", "amount", "currency"]
        assert [row[0] for row in rows] == [bad["id"], ok["id"]]
        assert rows[1][header.index("email")] == "'=cmd@example.com"
        assert rows[1][header.index("amount")] == "14.50"
        assert rows[1][header.index("amount_minor")] == "1450"

    async def test_csv_text_cannot_become_a_formula_in_any_locale(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(customer_fields={"business_name": "required"})
        name = "Acme;=cmd|' /C calc'!A0;"
        await customer.pay(link["id"], customer={"business_name": name})
        export = await store.get(f"/v1/payment-links/{link['id']}/payments.csv")
        # Quoted whole: a spreadsheet splitting on ";" keeps it one text cell.
        assert f'"{name}"' in export.text
        assert all(line.startswith('"') for line in export.text.splitlines())

    async def test_another_stores_payments_are_404(
        self, store: StoreClient, api: ApiClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        paid = await customer.pay(link["id"])
        other = await api.create_store()
        for path in (
            f"/v1/payments/{paid['id']}",
            f"/v1/payment-links/{link['id']}/payments",
            f"/v1/payment-links/{link['id']}/payments.csv",
            f"/v1/payments/{paid['id']}/refunds",
        ):
            assert (await other.get(path)).status_code == 404
        refund = await other.post(f"/v1/payments/{paid['id']}/refunds", json={})
        assert refund.status_code == 404


class TestRefundRequests:
    async def test_refund_rules(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link(amount=1000)
        paid = await customer.pay(link["id"])
        too_much = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1001})
        assert too_much.status_code == 422
        assert too_much.json()["errors"][0]["field"] == "amount"
        zero = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 0})
        assert zero.status_code == 422
        first = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 600})
        assert first.status_code == 201
        # The pending 600 counts: only 400 is left.
        over = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 401})
        assert over.status_code == 422
        rest = await store.post(f"/v1/payments/{paid['id']}/refunds", json={})
        assert rest.json()["amount"] == 400
        nothing = await store.post(f"/v1/payments/{paid['id']}/refunds", json={})
        assert nothing.status_code == 422
        payment = (await store.get(f"/v1/payments/{paid['id']}")).json()
        assert (payment["status"], payment["amount_refunded"], payment["amount_refundable"]) == (
            "succeeded",
            0,
            0,
        )

    async def test_a_failed_payment_cannot_be_refunded(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        failed = await customer.pay(link["id"], CARD_DECLINED)
        response = await store.post(f"/v1/payments/{failed['id']}/refunds", json={})
        assert response.status_code == 409
        assert response.json()["code"] == "payment_not_refundable"


class TestListRefunds:
    async def test_pages_newest_first_with_limit_and_starting_after(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(amount=1000)
        paid = await customer.pay(link["id"])
        path = f"/v1/payments/{paid['id']}/refunds"
        made = []
        for amount in (100, 200, 300):
            created = await store.post(path, json={"amount": amount})
            assert created.status_code == 201, created.text
            made.append(created.json()["id"])
        newest_first = list(reversed(made))

        first = (await store.get(path, params={"limit": 2})).json()
        after = first["data"][-1]["id"]
        second = (await store.get(path, params={"limit": 2, "starting_after": after})).json()
        everything = (await store.get(path)).json()

        assert [r["id"] for r in first["data"]] == newest_first[:2]
        assert first["has_more"] is True
        assert [r["id"] for r in second["data"]] == newest_first[2:]
        assert second["has_more"] is False
        assert [r["amount"] for r in everything["data"]] == [300, 200, 100]
        assert everything["has_more"] is False

    async def test_a_payment_without_refunds_has_an_empty_page(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link()
        paid = await customer.pay(link["id"])

        response = await store.get(f"/v1/payments/{paid['id']}/refunds")

        assert response.status_code == 200
        assert response.json() == {"data": [], "has_more": False}

    @pytest.mark.parametrize("limit", ["0", "101", "ten"])
    async def test_a_bad_limit_is_422_on_limit(
        self, store: StoreClient, customer: Customer, limit: str
    ) -> None:
        link = await store.create_link()
        paid = await customer.pay(link["id"])

        response = await store.get(f"/v1/payments/{paid['id']}/refunds", params={"limit": limit})

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["limit"]


class TestCustomerPhone:
    async def test_a_national_number_is_read_in_the_stores_country(
        self, api: ApiClient, customer: Customer
    ) -> None:
        store = await api.create_store()
        link = await store.create_link(customer_fields={"phone": "required"})
        response = await customer.start(link["id"], customer={"phone": "07911 123456"})
        assert response.status_code == 201, response.text
        payment = (await store.get(f"/v1/payments/{response.json()['id']}")).json()
        assert payment["customer"]["phone"] == "+447911123456"

    async def test_an_international_number_works_in_any_store(
        self, api: ApiClient, customer: Customer
    ) -> None:
        store = await api.create_store(currency="USD", country="US")
        link = await store.create_link(customer_fields={"phone": "required"})
        response = await customer.start(link["id"], customer={"phone": "+44 7911 123456"})
        assert response.status_code == 201, response.text

    async def test_the_error_gives_an_example_of_the_stores_country(
        self, api: ApiClient, customer: Customer
    ) -> None:
        store = await api.create_store(currency="EUR", country="DE")
        link = await store.create_link(customer_fields={"phone": "required"})
        response = await customer.start(link["id"], customer={"phone": "07911"})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "customer.phone"
        assert "01512 3456789" in error["message"]


class TestClientReference:
    async def test_is_kept_on_the_payment_and_found_by_it(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(type="reusable")
        tagged = await customer.start(link["id"], client_reference_id="order_42-A")
        assert tagged.status_code == 201, tagged.text
        await customer.start(link["id"])
        payment = (await store.get(f"/v1/payments/{tagged.json()['id']}")).json()
        assert payment["client_reference_id"] == "order_42-A"
        found = await store.get(
            f"/v1/payment-links/{link['id']}/payments",
            params={"client_reference_id": "order_42-A"},
        )
        assert [p["id"] for p in found.json()["data"]] == [tagged.json()["id"]]
        every = await store.get(f"/v1/payment-links/{link['id']}/payments")
        assert [p["client_reference_id"] for p in every.json()["data"]] == [None, "order_42-A"]

    async def test_travels_in_the_paid_event(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link()
        started = await customer.start(link["id"], client_reference_id="cart-7")
        await customer.confirm(started.json()["id"])
        events = (await store.get("/v1/events", params={"type": "payment_link.paid"})).json()
        assert events["data"][0]["data"]["payment"]["client_reference_id"] == "cart-7"

    @pytest.mark.parametrize("value", ["a b", "x" * 201, "ordre-é", "", "a/b"])
    async def test_a_bad_one_is_refused_naming_it(
        self, store: StoreClient, customer: Customer, value: str
    ) -> None:
        link = await store.create_link()
        response = await customer.start(link["id"], client_reference_id=value)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["client_reference_id"]

    async def test_the_longest_is_taken(self, store: StoreClient, customer: Customer) -> None:
        link = await store.create_link()
        response = await customer.start(link["id"], client_reference_id="A_-9" * 50)
        assert response.status_code == 201, response.text
