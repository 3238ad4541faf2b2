"""The public checkout: the link's public view, starting and confirming payments."""

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
        link = await store.create_link(reference="INV-9", metadata={"secret": "x"},
                                       description="250 g")
        body = (await customer.client.get(f"/v1/checkout/links/{link['id']}")).json()
        assert body["merchant_name"] == "Acme Coffee"
        assert (body["title"], body["amount"], body["currency"]) == (
            "Espresso beans", 1450, "GBP")
        assert body["status"] == "active"
        assert body["gateway"] == "sandbox"
        for internal in ("reference", "metadata", "payments_count", "amount_collected",
                         "store_id"):
            assert internal not in body

    async def test_inactive_and_expired_links_say_so(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        stopped = await store.create_link()
        await store.post(f"/v1/payment-links/{stopped['id']}/deactivate")
        expiring = await store.create_link(
            expires_at=(clock.now + timedelta(minutes=1)).isoformat())
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
    async def test_a_fixed_link_paid_with_4242(self, store: StoreClient,
                                               customer: Customer) -> None:
        link = await store.create_link(
            customer_fields={"email": "required", "phone": "optional"})
        paid = await customer.pay(link["id"], customer={"email": "Ann@Example.com ",
                                                        "phone": "+1 650-253-0000"})
        assert paid["status"] == "succeeded"
        assert paid["reference"]
        assert paid["after_payment"] == {"type": "thank_you",
                                         "message": "Thank you! Your payment was received."}
        payment = (await store.get(f"/v1/payments/{paid['id']}")).json()
        assert payment["customer"] == {"business_name": None, "customer_name": None,
                                       "email": "Ann@example.com", "phone": "+16502530000"}
        link_now = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (link_now["payments_count"], link_now["amount_collected"]) == (1, 1450)

    async def test_a_declined_card_then_4242(self, store: StoreClient,
                                             customer: Customer) -> None:
        link = await store.create_link(type="one_off")
        declined = await customer.pay(link["id"], CARD_DECLINED)
        assert declined["status"] == "failed"
        assert declined["failure_reason"] == "Your card was declined."
        paid = await customer.pay(link["id"], CARD_OK)
        assert paid["status"] == "succeeded"
        link_now = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (link_now["status"], link_now["inactive_reason"]) == ("inactive", "completed")

    async def test_redirect_appends_the_ids(self, store: StoreClient,
                                            customer: Customer) -> None:
        link = await store.create_link(
            after_payment={"type": "redirect", "url": "https://shop.example/done?x=1"})
        paid = await customer.pay(link["id"])
        assert paid["after_payment"]["url"] == (
            f"https://shop.example/done?x=1&payment_id={paid['id']}"
            f"&payment_link_id={link['id']}")

    async def test_a_one_off_link_takes_one_payment(self, store: StoreClient,
                                                    customer: Customer) -> None:
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
