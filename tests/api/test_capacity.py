"""The capacity invariant under concurrency, on SQLite and PostgreSQL: successful payments
never exceed a link's cap and nobody is charged for a payment that cannot be honoured."""

import asyncio
from typing import Any

import pytest

from paylinks.payments.tables import PaymentTable
from tests.conftest import FrozenClock
from tests.factories import CARD_DECLINED, ApiClient, Customer, StoreClient

CUSTOMERS = 50


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


async def rush(customer: Customer, link_id: str) -> list[str]:
    """Every customer starts and confirms at once; returns each one's outcome."""

    async def one() -> str:
        started = await customer.start(link_id)
        if started.status_code != 201:
            return str(started.json()["code"])
        confirmed = await customer.confirm(started.json()["id"])
        body: dict[str, Any] = confirmed.json()
        return str(body.get("status") or body["code"])

    return list(await asyncio.gather(*(one() for _ in range(CUSTOMERS))))


async def succeeded_count(link_id: str) -> int:
    return int(
        await PaymentTable.count().where(
            (PaymentTable.payment_link_id == link_id) & (PaymentTable.status == "succeeded")
        )
    )


class TestConcurrentCustomers:
    async def test_a_one_off_link_is_paid_exactly_once(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link(type="one_off")
        outcomes = await rush(Customer(api.client), link["id"])
        assert outcomes.count("succeeded") == 1
        assert set(outcomes) <= {"succeeded", "link_unavailable", "link_inactive"}
        assert await succeeded_count(link["id"]) == 1
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (after["status"], after["inactive_reason"]) == ("inactive", "completed")
        assert (after["payments_count"], after["amount_collected"]) == (1, 1450)

    async def test_a_capped_link_takes_exactly_its_cap(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link(max_payments=5)
        outcomes = await rush(Customer(api.client), link["id"])
        assert outcomes.count("succeeded") == 5
        assert await succeeded_count(link["id"]) == 5
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert after["inactive_reason"] == "max_payments_reached"
        assert after["payments_count"] == 5

    async def test_an_uncapped_link_takes_everyone(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link()
        outcomes = await rush(Customer(api.client), link["id"])
        assert outcomes.count("succeeded") == CUSTOMERS


class TestSlots:
    async def test_a_declined_card_frees_the_slot_for_the_next_customer(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        customer = Customer(api.client)
        link = await store.create_link(type="one_off")
        first = (await customer.start(link["id"])).json()
        blocked = await customer.start(link["id"])
        assert blocked.json()["code"] == "link_unavailable"
        declined = (await customer.confirm(first["id"], CARD_DECLINED)).json()
        assert declined["status"] == "failed"
        assert (await customer.pay(link["id"]))["status"] == "succeeded"

    async def test_a_timed_out_hold_frees_the_slot(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock
    ) -> None:
        customer = Customer(api.client)
        link = await store.create_link(type="one_off")
        abandoned = (await customer.start(link["id"])).json()
        assert (await customer.start(link["id"])).status_code == 409
        clock.advance(seconds=901)
        assert (await customer.pay(link["id"]))["status"] == "succeeded"
        gone = (await customer.client.get(f"/v1/checkout/payments/{abandoned['id']}")).json()
        assert gone["status"] == "canceled"

    async def test_confirming_twice_charges_once(self, store: StoreClient, api: ApiClient) -> None:
        customer = Customer(api.client)
        link = await store.create_link()
        started = (await customer.start(link["id"])).json()
        first, second = await asyncio.gather(
            customer.confirm(started["id"]), customer.confirm(started["id"])
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [200, 409]
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert after["payments_count"] == 1
