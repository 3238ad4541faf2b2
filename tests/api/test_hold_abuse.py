"""Holds that cost an attacker: a start without a card holds a link's place briefly
(``PAYLINKS_START_HOLD_SECONDS``), the confirmation makes it the full reservation, and one
address has a budget of starts on each link with limited places. The capacity invariant
stays exact under a rush of starts and confirmations, on SQLite and PostgreSQL. The test
client calls from 127.0.0.1, a trusted proxy, so ``X-Forwarded-For`` names the customer."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import msgspec
import pytest

from paylinks.links.tables import PaymentLinkTable
from paylinks.payments.tables import PaymentTable
from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import CARD_DECLINED, CARD_OK, ApiClient, StoreClient

STARTS = 3


@pytest.fixture
def budgeted(settings: Settings) -> Settings:
    """The test settings with a budget of 3 starts an hour per address and link."""
    return msgspec.structs.replace(settings, start_limit_per_hour=STARTS)


@pytest.fixture
async def api(budgeted: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
    app = create_app(budgeted, clock=clock, auto_migrate=budgeted.is_sqlite, run_jobs=False)
    async with serving(app) as client:
        yield ApiClient(client)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


class From:
    """A customer at one address."""

    def __init__(self, client: httpx.AsyncClient, address: str) -> None:
        self.client, self.headers = client, {"X-Forwarded-For": address}

    async def start(self, link_id: str) -> httpx.Response:
        return await self.client.post(
            f"/v1/checkout/links/{link_id}/payments", json={}, headers=self.headers
        )

    async def confirm(self, payment_id: str, card: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(
            f"/v1/checkout/payments/{payment_id}/confirm",
            json={"card": card or CARD_OK},
            headers=self.headers,
        )


def held_for(payment: dict[str, Any], now: datetime) -> float:
    return (datetime.fromisoformat(payment["hold_expires_at"]) - now).total_seconds()


class TestShortHolds:
    async def test_a_start_holds_a_one_off_link_briefly(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock, budgeted: Settings
    ) -> None:
        link = await store.create_link(type="one_off")
        idle, customer = From(api.client, "198.51.100.1"), From(api.client, "203.0.113.9")
        started = (await idle.start(link["id"])).json()
        assert held_for(started, clock()) == budgeted.start_hold_seconds
        blocked = await customer.start(link["id"])
        assert blocked.status_code == 409
        assert blocked.json()["code"] == "link_unavailable"
        assert 1 <= blocked.json()["retry_after"] <= budgeted.start_hold_seconds + 1
        clock.advance(seconds=budgeted.start_hold_seconds)
        paying = await customer.start(link["id"])
        assert paying.status_code == 201, paying.text
        paid = await customer.confirm(paying.json()["id"])
        assert paid.json()["status"] == "succeeded"

    async def test_the_confirmation_makes_it_the_full_reservation(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock, budgeted: Settings
    ) -> None:
        link = await store.create_link(type="one_off")
        customer = From(api.client, "203.0.113.9")
        started = (await customer.start(link["id"])).json()
        clock.advance(seconds=budgeted.start_hold_seconds - 1)
        declined = (await customer.confirm(started["id"], CARD_DECLINED)).json()
        # A decline frees the place at once; the claim that came before it lengthened the
        # hold, which the answer shows.
        assert declined["status"] == "failed"
        assert held_for(declined, clock()) == budgeted.reservation_seconds

    async def test_a_hold_that_ran_out_cannot_be_confirmed(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock, budgeted: Settings
    ) -> None:
        link = await store.create_link(type="one_off")
        customer = From(api.client, "203.0.113.9")
        started = (await customer.start(link["id"])).json()
        clock.advance(seconds=budgeted.start_hold_seconds)
        late = await customer.confirm(started["id"])
        assert late.status_code == 409
        assert late.json()["code"] == "payment_expired"


class TestStartBudget:
    async def test_unfilled_starts_from_one_address_cannot_keep_a_one_off_unpayable(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock, budgeted: Settings
    ) -> None:
        link = await store.create_link(type="one_off")
        attacker, customer = From(api.client, "198.51.100.1"), From(api.client, "203.0.113.9")
        # The attacker starts again each time its hold runs out, then is refused.
        for _ in range(STARTS):
            assert (await attacker.start(link["id"])).status_code == 201
            clock.advance(seconds=budgeted.start_hold_seconds)
        refused = await attacker.start(link["id"])
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "rate_limited"
        assert f'"start";q={STARTS};w=3600' in refused.headers["ratelimit-policy"]
        assert int(refused.headers["retry-after"]) > budgeted.start_hold_seconds
        # Many more tries from the address change nothing: the link stays free.
        for _ in range(10):
            assert (await attacker.start(link["id"])).status_code == 429
        started = await customer.start(link["id"])
        assert started.status_code == 201, started.text
        paid = await customer.confirm(started.json()["id"])
        assert paid.json()["status"] == "succeeded"

    async def test_starts_that_hold_nothing_spend_nothing(
        self, store: StoreClient, api: ApiClient
    ) -> None:
        reusable = await store.create_link()
        one_off = await store.create_link(type="one_off")
        kiosk, other = From(api.client, "198.51.100.1"), From(api.client, "203.0.113.9")
        for _ in range(STARTS + 2):
            assert (await kiosk.start(reusable["id"])).status_code == 201
        # Refused starts (no free place) spend nothing either.
        assert (await other.start(one_off["id"])).status_code == 201
        for _ in range(STARTS + 2):
            assert (await kiosk.start(one_off["id"])).status_code == 409
        assert (await From(api.client, "198.51.100.2").start(reusable["id"])).status_code == 201

    async def test_each_link_has_its_own_budget(self, store: StoreClient, api: ApiClient) -> None:
        first = await store.create_link(max_payments=10)
        second = await store.create_link(max_payments=10)
        customer = From(api.client, "203.0.113.9")
        for _ in range(STARTS):
            assert (await customer.start(first["id"])).status_code == 201
        assert (await customer.start(first["id"])).status_code == 429
        assert (await customer.start(second["id"])).status_code == 201


class TestRaces:
    async def test_the_cap_is_exact_under_a_rush_of_starts_and_confirmations(
        self, store: StoreClient, api: ApiClient, clock: FrozenClock, budgeted: Settings
    ) -> None:
        link = await store.create_link(max_payments=4)
        idle = [From(api.client, f"198.51.100.{n + 1}") for n in range(12)]
        paying = [From(api.client, f"203.0.113.{n + 1}") for n in range(24)]

        async def pay(customer: From) -> str:
            started = await customer.start(link["id"])
            if started.status_code != 201:
                return str(started.json()["code"])
            confirmed = (await customer.confirm(started.json()["id"])).json()
            return str(confirmed.get("status") or confirmed["code"])

        async def hold(customer: From) -> str:
            started = await customer.start(link["id"])
            return "held" if started.status_code == 201 else str(started.json()["code"])

        outcomes = await asyncio.gather(*map(hold, idle), *map(pay, paying))
        paid_now = outcomes.count("succeeded")
        held_now = outcomes.count("held")
        assert paid_now + held_now <= 4
        assert set(outcomes) <= {"succeeded", "held", "link_unavailable", "link_inactive"}
        assert await places(link["id"]) == (paid_now, held_now)

        # The idle holds run out; the next rush takes exactly what is left.
        clock.advance(seconds=budgeted.start_hold_seconds)
        later = [From(api.client, f"192.0.2.{n + 1}") for n in range(24)]
        more = await asyncio.gather(*map(pay, later))
        assert paid_now + more.count("succeeded") == 4
        assert await places(link["id"]) == (4, 0)
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (after["status"], after["inactive_reason"]) == ("inactive", "max_payments_reached")


async def places(link_id: str) -> tuple[int, int]:
    """The link's paid count and held places, checked against its payments."""
    [row] = await PaymentLinkTable.select(
        PaymentLinkTable.payments_count, PaymentLinkTable.slots_held
    ).where(PaymentLinkTable.id == link_id)
    succeeded = await PaymentTable.count().where(
        (PaymentTable.payment_link_id == link_id) & (PaymentTable.status == "succeeded")
    )
    pending = await PaymentTable.count().where(
        (PaymentTable.payment_link_id == link_id) & (PaymentTable.status == "pending")
    )
    assert row["payments_count"] == succeeded
    # Pending payments whose hold ran out are cancelled lazily: they may still count.
    assert row["slots_held"] <= pending
    return row["payments_count"], row["slots_held"]
