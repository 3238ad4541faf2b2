"""The embedded default: the API runs the jobs in its own process (StubBroker + threads),
so refunds settle, holds are swept and the outbox drains without a separate worker."""

from typing import Any

from paylinks.events.tables import EventTable
from tests.factories import CARD_REFUND_FAILS, ApiClient, Customer, StoreClient, eventually


async def paid_payment(
    store: StoreClient, customer: Customer, card: dict[str, Any] | None = None
) -> dict[str, Any]:
    link = await store.create_link(amount=5000)
    return await customer.pay(link["id"], card)


class TestRefundsSettle:
    async def test_partial_then_full_refund(self, api_with_jobs: ApiClient) -> None:
        store = await api_with_jobs.create_store()
        customer = Customer(api_with_jobs.client)
        payment = await paid_payment(store, customer)

        partial = await store.post(
            f"/v1/payments/{payment['id']}/refunds", json={"amount": 1500, "reason": "Broken cup"}
        )
        assert partial.status_code == 201
        assert partial.json()["status"] == "pending"

        async def refund() -> dict[str, Any]:
            return dict((await store.get(f"/v1/refunds/{partial.json()['id']}")).json())

        settled = await eventually(refund, lambda r: r["status"] != "pending")
        assert settled["status"] == "succeeded"
        after = (await store.get(f"/v1/payments/{payment['id']}")).json()
        assert (after["status"], after["amount_refunded"], after["amount_refundable"]) == (
            "partially_refunded",
            1500,
            3500,
        )

        rest = await store.post(f"/v1/payments/{payment['id']}/refunds", json={})
        assert rest.json()["amount"] == 3500

        async def pay() -> dict[str, Any]:
            return dict((await store.get(f"/v1/payments/{payment['id']}")).json())

        final = await eventually(pay, lambda p: p["status"] == "fully_refunded")
        assert (final["status"], final["amount_refunded"]) == ("fully_refunded", 5000)
        link = (await store.get(f"/v1/payment-links/{payment['payment_link_id']}")).json()
        assert link["amount_refunded"] == 5000

    async def test_a_failed_refund_frees_its_amount(self, api_with_jobs: ApiClient) -> None:
        store = await api_with_jobs.create_store()
        payment = await paid_payment(store, Customer(api_with_jobs.client), CARD_REFUND_FAILS)
        created = (await store.post(f"/v1/payments/{payment['id']}/refunds", json={})).json()

        async def refund() -> dict[str, Any]:
            return dict((await store.get(f"/v1/refunds/{created['id']}")).json())

        settled = await eventually(refund, lambda r: r["status"] != "pending")
        assert settled["status"] == "failed"
        assert settled["failure_reason"]
        after = (await store.get(f"/v1/payments/{payment['id']}")).json()
        assert (after["status"], after["amount_refunded"], after["amount_refundable"]) == (
            "succeeded",
            0,
            5000,
        )
        types = [
            row["type"]
            for row in await EventTable.select(EventTable.type)
            .where(EventTable.payment_link_id == payment["payment_link_id"])
            .order_by(EventTable.id)
        ]
        assert types == [
            "payment_link.created",
            "payment_link.paid",
            "payment_link.refund.created",
            "payment_link.refund.failed",
        ]

    async def test_the_outbox_drains(self, api_with_jobs: ApiClient) -> None:
        store = await api_with_jobs.create_store()
        await store.create_link()

        async def unrelayed() -> int:
            return int(await EventTable.count().where(EventTable.relayed_at.is_null()))

        assert await eventually(unrelayed, lambda n: n == 0) == 0
