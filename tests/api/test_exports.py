"""The CSV exports on both engines: a link's and the store's (a date range), payments with
their refunds, quoted and formula-safe, streamed a batch at a time, and never another
store's rows."""

import csv
import io
import re
from typing import Any

import pytest

from paylinks.payments import export, stream
from paylinks.payments.export import CSV_COLUMNS
from tests.conftest import FrozenClock
from tests.factories import CARD_DECLINED, ApiClient, Customer, StoreClient


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


@pytest.fixture
def customer(api: ApiClient) -> Customer:
    return Customer(api.client)


def rows_of(text: str) -> list[dict[str, str]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in rows]


async def store_csv(store: StoreClient, **params: Any) -> list[dict[str, str]]:
    answer = await store.get("/v1/payments.csv", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    # Streamed: no length is known up front.
    assert "content-length" not in answer.headers
    return rows_of(answer.text)


class TestContent:
    async def test_payments_with_their_refunds_quoted_and_formula_safe(
        self, store: StoreClient, customer: Customer
    ) -> None:
        link = await store.create_link(amount=1000, customer_fields={"business_name": "optional"})
        name = '=HYPERLINK("http://evil";"x");'
        paid = await customer.pay(link["id"], customer={"business_name": name})
        declined = await customer.pay(link["id"], CARD_DECLINED)
        refund = await store.post(
            f"/v1/payments/{paid['id']}/refunds", json={"amount": 300, "reason": "-broken"}
        )
        assert refund.status_code == 201, refund.text

        for answer in (
            await store.get(f"/v1/payment-links/{link['id']}/payments.csv"),
            await store.get("/v1/payments.csv"),
        ):
            assert answer.status_code == 200
            assert all(line.startswith('"') for line in answer.text.splitlines())
            rows = rows_of(answer.text)
            assert [(r["object"], r["id"]) for r in rows] == [
                ("payment", declined["id"]),
                ("payment", paid["id"]),
                ("refund", refund.json()["id"]),
            ]
            payment, refunded = rows[1], rows[2]
            assert payment["business_name"] == "'" + name
            # Major units for the spreadsheet, minor units beside them for the API's view.
            assert (payment["amount"], payment["currency"], payment["status"]) == (
                "10.00",
                "GBP",
                "succeeded",
            )
            assert payment["amount_minor"] == "1000"
            refunded_minor = int(payment["amount_refunded_minor"])
            assert (
                payment["amount_refunded"] == f"{refunded_minor // 100}.{refunded_minor % 100:02d}"
            )
            assert (refunded["amount"], refunded["amount_minor"]) == ("3.00", "300")
            assert refunded["payment_id"] == paid["id"]
            # RFC 3339 in UTC to the second.
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payment["created_at"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payment["paid_at"])
            assert refunded["refund_reason"] == "'-broken"
            assert refunded["payment_link_id"] == link["id"]
            assert rows[0]["failure_reason"]

    async def test_the_store_export_takes_a_date_range(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        links = [await store.create_link() for _ in range(2)]
        before = await customer.pay(links[0]["id"])
        clock.advance(days=1)
        start = clock()
        inside = [await customer.pay(links[1]["id"]), await customer.pay(links[0]["id"])]
        clock.advance(days=1)
        end = clock()
        after = await customer.pay(links[1]["id"])

        ranged = await store_csv(
            store, **{"created[gte]": start.isoformat(), "created[lt]": end.isoformat()}
        )
        assert [r["id"] for r in ranged] == [inside[1]["id"], inside[0]["id"]]
        since = await store_csv(store, **{"created[gte]": start.isoformat()})
        assert [r["id"] for r in since] == [after["id"], inside[1]["id"], inside[0]["id"]]
        until = await store_csv(store, **{"created[lt]": "2999-01-01T00:00:00Z"})
        assert len(until) == 4
        assert until[-1]["id"] == before["id"]

    @pytest.mark.parametrize(
        ("params", "statuses", "code", "field"),
        [
            # As every list reads created[…] (controllers/params.py).
            ({"created[gte]": "yesterday"}, {400, 422}, None, "created[gte]"),
            ({"created[lt]": "2026-01-01T00:00:00"}, {422}, "validation_error", "created[lt]"),
            (
                {"created[after]": "2026-01-01T00:00:00Z"},
                {400},
                "unknown_parameter",
                "created[after]",
            ),
        ],
    )
    async def test_a_bad_range_is_a_problem_naming_it(
        self,
        store: StoreClient,
        params: dict[str, str],
        statuses: set[int],
        code: str | None,
        field: str,
    ) -> None:
        answer = await store.get("/v1/payments.csv", params=params)
        assert answer.status_code in statuses
        problem = answer.json()
        assert code is None or problem["code"] == code
        assert problem["errors"][0]["field"] == field

    async def test_an_empty_range_is_the_header_alone(
        self, store: StoreClient, customer: Customer
    ) -> None:
        await customer.pay((await store.create_link())["id"])
        backwards = {"created[gte]": "2026-02-01T00:00:00Z", "created[lt]": "2026-01-01T00:00:00Z"}
        assert await store_csv(store, **backwards) == []


class TestIsolation:
    async def test_another_stores_payments_never_appear(
        self, store: StoreClient, api: ApiClient, customer: Customer
    ) -> None:
        mine = await customer.pay((await store.create_link())["id"])
        other = await api.create_store()
        theirs = await customer.pay((await other.create_link())["id"])
        assert [r["id"] for r in await store_csv(store)] == [mine["id"]]
        assert [r["id"] for r in await store_csv(other)] == [theirs["id"]]
        link = (await store.create_link())["id"]
        assert (await other.get(f"/v1/payment-links/{link}/payments.csv")).status_code == 404


class TestStreaming:
    async def test_rows_come_a_batch_at_a_time_in_order(
        self, store: StoreClient, customer: Customer, clock: FrozenClock
    ) -> None:
        link = await store.create_link()
        # Two at the same instant: the keyset goes on by id within one created_at.
        paid = [await customer.pay(link["id"]) for _ in range(3)]
        clock.advance(seconds=1)
        paid += [await customer.pay(link["id"]) for _ in range(2)]
        newest_first = [p["id"] for p in reversed(paid)]

        store_scope = stream.Scope(store_id=store.store_id)
        link_scope = stream.Scope(store_id=store.store_id, link_id=link["id"])
        for scope in (store_scope, link_scope):
            sizes, ids = [], []
            async for batch in stream.batches(scope, batch=2):
                sizes.append(len(batch))
                ids += [payment.id for payment, _ in batch]
            assert sizes == [2, 2, 1]
            assert ids == newest_first

        chunks = [c async for c in export.csv_chunks(stream.batches(store_scope, batch=2))]
        # The header leaves first, on its own, then one chunk per batch.
        assert chunks[0].decode().startswith('"id","created_at"')
        assert len(chunks) == 4
