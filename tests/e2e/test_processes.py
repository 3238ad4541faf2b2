"""The production shape, for real: ``paylinks api`` and ``paylinks worker`` processes on
one PostgreSQL database and one Redis (DESIGN.md, "Two ways to run")."""

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import FAILED, PROCESS_OUTPUT
from tests.e2e.processes import (
    POSTGRES_ADMIN_URL,
    REDIS_DB,
    REDIS_SERVER_URL,
    Cluster,
    SwitchableLink,
    Worker,
    create_database,
    drop_database,
    require_servers,
    stop_all,
)
from tests.factories import CARD_DECLINED, CARD_OK, ApiClient, Customer, StoreClient

CUSTOMERS = 50
SETTLE_WITHIN = 30.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two API processes and two workers on a fresh database and a flushed Redis DB."""
    require_servers()
    name = create_database()
    logs: Path = tmp_path_factory.mktemp("processes")
    database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    cluster = Cluster(database_url, f"{REDIS_SERVER_URL}/{REDIS_DB}", logs)
    cluster.redis.flushdb()
    try:
        # The API needs no tables to boot, so it starts while the migrations run; the
        # workers' relay does, so they start after.
        apis = cluster.start_apis(2)
        cluster.migrate()
        workers = cluster.start_workers(2)
        cluster.wait_ready(apis, workers)
        yield cluster
    finally:
        stop_all(cluster.every)
        drop_database(name)
        cluster.redis.flushdb()
        cluster.redis.close()


def on_a_dead_broker(cluster: Cluster) -> Callable[[Any], bool]:
    return lambda process: isinstance(process, Worker) and process.broker_url != cluster.broker_url


@pytest.fixture(autouse=True)
def watch(cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[None]:
    """On failure, the processes' output of this test goes into the report; and no
    process may log a traceback while it runs (but a worker whose broker is down on
    purpose). How a worker stops is TestGracefulStop's concern."""
    since = cluster.offsets()
    request.node.stash[PROCESS_OUTPUT] = lambda: cluster.report(since)
    yield
    if request.node.stash.get(FAILED, False):
        return
    crashes = cluster.crashes(since, expected=on_a_dead_broker(cluster))
    assert not crashes, "A process logged a traceback:\n" + "\n".join(crashes)


@pytest.fixture
async def clients(cluster: Cluster) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One HTTP client per API process."""
    async with (
        httpx.AsyncClient(base_url=cluster.apis[0].url, timeout=60) as first,
        httpx.AsyncClient(base_url=cluster.apis[1].url, timeout=60) as second,
    ):
        yield [first, second]


async def query(cluster: Cluster, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(cluster.database_url)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def value(cluster: Cluster, sql: str, *args: Any) -> Any:
    return (await query(cluster, sql, *args))[0][0]


async def eventually(
    fetch: Callable[[], Awaitable[Any]],
    done: Callable[[Any], bool],
    within: float = SETTLE_WITHIN,
    every: float = 0.1,
) -> Any:
    """Poll ``fetch`` until ``done(value)`` or time is up; returns the last value."""
    deadline = time.monotonic() + within
    while True:
        result = await fetch()
        if done(result) or time.monotonic() > deadline:
            return result
        await asyncio.sleep(every)


def on(store: StoreClient, client: httpx.AsyncClient) -> StoreClient:
    """The same store, calling another API process."""
    return StoreClient(client, store.store_id, store.api_key, store.email)


async def checkout(
    client: httpx.AsyncClient, link_id: str, card: dict[str, Any], *, retry_for: float = 0
) -> str:
    """One customer: start a payment (again while the link is held, for ``retry_for``
    seconds) and confirm it. Returns what happened, e.g. ``succeeded`` or
    ``start 409 link_inactive``."""
    customer = Customer(client)
    deadline = time.monotonic() + retry_for
    while True:
        started = await customer.start(link_id)
        if started.status_code == 201:
            break
        outcome = f"start {started.status_code} {started.json().get('code')}"
        if outcome != "start 409 link_unavailable" or time.monotonic() > deadline:
            return outcome
        await asyncio.sleep(random.uniform(0.2, 0.5))
    confirmed = await customer.confirm(started.json()["id"], card)
    if confirmed.status_code == 200:
        return str(confirmed.json()["status"])
    return f"confirm {confirmed.status_code} {confirmed.json().get('code')}"


async def assert_paid_exactly(
    cluster: Cluster, store: StoreClient, link: dict[str, Any], count: int, reason: str
) -> None:
    """``count`` succeeded payments, seen by the API and in the database, and a link
    closed for ``reason``."""
    page = await store.get(
        f"/v1/payment-links/{link['id']}/payments", params={"status": "succeeded", "limit": 100}
    )
    assert page.status_code == 200, page.text
    assert len(page.json()["data"]) == count
    rows = await query(
        cluster,
        "SELECT status, count(*) AS n, sum(amount) AS total FROM payment "
        "WHERE payment_link_id = $1 GROUP BY status",
        link["id"],
    )
    by_status = {row["status"]: row for row in rows}
    assert by_status["succeeded"]["n"] == count
    assert by_status["succeeded"]["total"] == count * link["amount"]
    assert "pending" not in by_status, "a payment was left pending"
    paid_events = await value(
        cluster,
        "SELECT count(*) FROM event WHERE payment_link_id = $1 AND type = 'payment_link.paid'",
        link["id"],
    )
    assert paid_events == count
    now = (await store.get(f"/v1/payment-links/{link['id']}")).json()
    assert (now["status"], now["inactive_reason"]) == ("inactive", reason)
    assert (now["payments_count"], now["amount_collected"]) == (count, count * link["amount"])


class TestScaleOut:
    """Two API processes and two workers share the capacity invariant (spec §3)."""

    async def test_fifty_customers_pay_a_one_off_link_once(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        await asyncio.to_thread(cluster.use_workers, 2)
        store = await ApiClient(clients[0], cluster.mailbox()).create_store()
        link = await store.create_link(type="one_off", amount=1450)

        outcomes = await asyncio.gather(
            *(checkout(clients[i % 2], link["id"], CARD_OK) for i in range(CUSTOMERS))
        )

        seen = Counter(outcomes)
        assert seen["succeeded"] == 1, seen
        allowed = {
            "succeeded",
            "failed",
            "start 409 link_unavailable",
            "start 409 link_inactive",
            "confirm 409 payment_expired",
        }
        assert set(seen) <= allowed, seen
        await assert_paid_exactly(cluster, on(store, clients[1]), link, 1, "completed")

    async def test_fifty_customers_fill_a_capped_link_exactly(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        await asyncio.to_thread(cluster.use_workers, 2)
        store = await ApiClient(clients[1], cluster.mailbox()).create_store()
        link = await store.create_link(type="reusable", max_payments=5, amount=900)
        # Every fifth card is declined: its hold must free the slot at once for the others,
        # who keep trying while the link answers link_unavailable.
        cards = [CARD_DECLINED if i % 5 == 0 else CARD_OK for i in range(CUSTOMERS)]

        outcomes = await asyncio.gather(
            *(
                checkout(clients[i % 2], link["id"], card, retry_for=60)
                for i, card in enumerate(cards)
            )
        )

        seen = Counter(outcomes)
        assert seen["succeeded"] == 5, seen
        assert set(seen) <= {"succeeded", "failed", "start 409 link_inactive"}, seen
        declined = [o for o, card in zip(outcomes, cards, strict=True) if card is CARD_DECLINED]
        assert "succeeded" not in declined
        assert seen["failed"] == declined.count("failed")
        await assert_paid_exactly(cluster, on(store, clients[0]), link, 5, "max_payments_reached")


async def paid_payments(
    store: StoreClient, clients: list[httpx.AsyncClient], count: int, amount: int
) -> list[dict[str, Any]]:
    link = await store.create_link(type="reusable", amount=amount)
    payments = [await Customer(clients[i % 2]).pay(link["id"]) for i in range(count)]
    assert {p["status"] for p in payments} == {"succeeded"}
    return payments


async def refund(store: StoreClient, payment_id: str, **body: Any) -> dict[str, Any]:
    created = await store.post(f"/v1/payments/{payment_id}/refunds", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    return dict(created.json())


async def refund_statuses(cluster: Cluster, store: StoreClient) -> Counter[str]:
    rows = await query(cluster, "SELECT status FROM refund WHERE store_id = $1", store.store_id)
    return Counter(row["status"] for row in rows)


async def unrelayed(cluster: Cluster, store: StoreClient, event_type: str = "%") -> int:
    return int(
        await value(
            cluster,
            "SELECT count(*) FROM event WHERE store_id = $1 AND type LIKE $2 "
            "AND relayed_at IS NULL",
            store.store_id,
            event_type,
        )
    )


class TestWorkerOnRedis:
    async def test_a_refund_is_settled_by_a_worker_process(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        await asyncio.to_thread(cluster.use_workers, 2)
        store = await ApiClient(clients[0], cluster.mailbox()).create_store()
        [payment] = await paid_payments(store, clients, 1, 5000)

        created = await refund(store, payment["id"], amount=1500)

        async def fetch() -> dict[str, Any]:
            return dict((await on(store, clients[1]).get(f"/v1/refunds/{created['id']}")).json())

        settled = await eventually(fetch, lambda r: r["status"] != "pending", within=10)
        assert settled["status"] == "succeeded"
        after = (await store.get(f"/v1/payments/{payment['id']}")).json()
        assert (after["status"], after["amount_refunded"]) == ("partially_refunded", 1500)
        assert await unrelayed(cluster, store, "payment_link.refund.created") == 0
        # The jobs went through this Redis database: the workers heartbeat there.
        assert len(cluster.heartbeats()) >= 2


async def settled_count(cluster: Cluster, store: StoreClient) -> int:
    counts = await refund_statuses(cluster, store)
    return counts.total() - counts["pending"]


async def assert_settled_once(cluster: Cluster, store: StoreClient, refund_ids: set[str]) -> None:
    """Each refund has one succeeded event, however many times its job ran."""
    rows = await query(
        cluster,
        "SELECT (data::jsonb)->'refund'->>'id' AS refund_id, count(*) AS n FROM event "
        "WHERE store_id = $1 AND type = 'payment_link.refund.succeeded' GROUP BY 1",
        store.store_id,
    )
    assert {row["refund_id"]: row["n"] for row in rows} == dict.fromkeys(refund_ids, 1)


async def assert_fully_refunded(cluster: Cluster, payments: list[dict[str, Any]]) -> None:
    for payment in payments:
        [row] = await query(
            cluster,
            "SELECT status, amount_refunded, amount_refund_pending FROM payment WHERE id = $1",
            payment["id"],
        )
        assert tuple(row) == ("fully_refunded", payment["amount"], 0)


def partial_refunds(
    store: StoreClient, clients: list[httpx.AsyncClient], payments: list[dict[str, Any]], each: int
) -> Awaitable[list[dict[str, Any]]]:
    """Refunds of 100 on every payment until each is fully refunded, all at once, through
    both API processes."""
    count = len(payments) * each
    return asyncio.gather(
        *(
            refund(on(store, clients[i % 2]), payments[i % len(payments)]["id"], amount=100)
            for i in range(count)
        )
    )


class TestGracefulStop:
    async def test_a_worker_stopped_mid_work_exits_cleanly(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        stopping, _ = await asyncio.to_thread(cluster.use_workers, 2)
        store = await ApiClient(clients[0], cluster.mailbox()).create_store()
        payments = await paid_payments(store, clients, 2, 3000)
        created = await partial_refunds(store, clients, payments, 30)

        await eventually(
            lambda: settled_count(cluster, store), lambda n: n > 0, within=15, every=0.01
        )
        status = await asyncio.to_thread(stopping.stop)
        at_stop = await settled_count(cluster, store)

        # The other worker finishes the work (including what the stopped one gave back).
        final = await eventually(
            lambda: refund_statuses(cluster, store), lambda s: s == {"succeeded": 60}
        )
        assert final == {"succeeded": 60}, f"{at_stop}/60 settled when one worker stopped"
        await assert_fully_refunded(cluster, payments)
        await assert_settled_once(cluster, store, {r["id"] for r in created})
        assert status == 0, stopping.output()[-3000:]
        crashes = cluster.crashes(
            {}, expected=lambda process: process is not stopping, shutdown=True
        )
        assert not crashes, "SIGTERM made the worker fail its jobs:\n" + "\n".join(crashes)


class TestWorkerKilled:
    async def test_refunds_pending_on_a_killed_worker_still_settle(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        [victim] = await asyncio.to_thread(cluster.use_workers, 1)
        store = await ApiClient(clients[0], cluster.mailbox()).create_store()
        payments = await paid_payments(store, clients, 2, 2000)

        # Killed as soon as it has settled one of the refunds coming in.
        creating = asyncio.ensure_future(partial_refunds(store, clients, payments, 20))
        await eventually(
            lambda: settled_count(cluster, store), lambda n: n > 0, within=30, every=0.01
        )
        await asyncio.to_thread(victim.kill)
        created = await creating
        at_kill = await settled_count(cluster, store)
        assert at_kill < 40, "the worker finished before it could be killed"

        await asyncio.to_thread(cluster.use_workers, 1)

        final = await eventually(
            lambda: refund_statuses(cluster, store), lambda s: s == {"succeeded": 40}
        )
        assert final == {"succeeded": 40}, f"{at_kill}/40 settled when the worker was killed"
        await assert_fully_refunded(cluster, payments)
        await assert_settled_once(cluster, store, {r["id"] for r in created})


class TestBrokerOutage:
    async def test_the_outbox_waits_out_a_broker_outage(
        self, cluster: Cluster, clients: list[httpx.AsyncClient]
    ) -> None:
        await asyncio.to_thread(cluster.stop_workers)
        redis_at = urlsplit(REDIS_SERVER_URL)
        link = SwitchableLink(redis_at.hostname or "127.0.0.1", redis_at.port or 6379)
        # The one worker reaches Redis through a link that is down for now.
        broker_url = f"redis://127.0.0.1:{link.port}/{REDIS_DB}"
        [worker] = await asyncio.to_thread(cluster.start_workers, 1, broker_url=broker_url)
        try:
            store = await ApiClient(clients[0], cluster.mailbox()).create_store()
            payments = await paid_payments(store, clients, 3, 3000)
            for i, payment in enumerate(payments):
                await refund(on(store, clients[i % 2]), payment["id"])

            # Its relay claims the refunds' events, cannot enqueue their jobs, leaves them
            # unrelayed and keeps running.
            async def leased() -> int:
                return int(
                    await value(
                        cluster,
                        "SELECT count(*) FROM event WHERE store_id = $1 AND type = "
                        "'payment_link.refund.created' AND relay_lease_until IS NOT NULL",
                        store.store_id,
                    )
                )

            assert await eventually(leased, lambda n: n == 3, within=90, every=0.2) == 3
            await asyncio.sleep(1.5)  # more relay passes, each failing
            assert worker.alive, worker.output()[-3000:]
            assert await unrelayed(cluster, store, "payment_link.refund.created") == 3
            assert await refund_statuses(cluster, store) == {"pending": 3}
            assert "Periodic job _relay failed" in worker.output()

            # Redis is back. The claims (30 s leases) are ended as time would end them,
            # so that the relay takes the rows again through the expired-lease path.
            await link.up()
            await query(
                cluster,
                "UPDATE event SET relay_lease_until = now() - interval '1 second' "
                "WHERE store_id = $1 AND relayed_at IS NULL",
                store.store_id,
            )

            async def progress() -> tuple[Counter[str], int]:
                return await refund_statuses(cluster, store), await unrelayed(cluster, store)

            statuses, left = await eventually(progress, lambda p: p == ({"succeeded": 3}, 0))
            assert statuses == {"succeeded": 3}
            assert left == 0, "events still unrelayed after the broker came back"
            assert worker.alive, "the worker did not survive the outage"
            for payment in payments:
                now = (await store.get(f"/v1/payments/{payment['id']}")).json()
                assert (now["status"], now["amount_refunded"]) == ("fully_refunded", 3000)
        finally:
            await asyncio.to_thread(worker.stop)
            await link.down()
