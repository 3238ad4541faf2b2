"""A PostgreSQL that misbehaves as an operator's does, under real ``paylinks api`` and
``paylinks worker`` processes (SPEC §10, §7 idempotency): backends terminated every second
under paying customers, a database that refuses connections, an API killed in the middle
of keyed creations, and SIGTERM after all of it. The database is this module's own."""

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.processes import REDIS_DB, REDIS_SERVER_URL, Api, Cluster, require_servers
from tests.factories import CARD_OK, ApiClient, Customer, StoreClient
from tests.faults import FaultyDatabase

#: Small, so that a test waits out a lease in seconds.
LEASE_SECONDS = 5
POOL_SIZE = 5
FAULT_SECONDS = 20
CUSTOMERS = 12
STOP_WITHIN = 30.0


@pytest.fixture(scope="module")
def database() -> Iterator[FaultyDatabase]:
    require_servers()
    made = FaultyDatabase()
    made.create()
    try:
        yield made
    finally:
        made.drop()


@pytest.fixture(scope="module")
def cluster(
    database: FaultyDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    logs: Path = tmp_path_factory.mktemp("database-faults")
    cluster = Cluster(database.url, f"{REDIS_SERVER_URL}/{REDIS_DB}", logs)
    cluster.env.update(
        {
            "PAYLINKS_IDEMPOTENCY_LEASE_SECONDS": str(LEASE_SECONDS),
            "PAYLINKS_DB_POOL_SIZE": str(POOL_SIZE),
            "PAYLINKS_DB_POOL_TIMEOUT": "2",
        }
    )
    cluster.redis.flushdb()
    try:
        cluster.migrate()
        apis = cluster.start_apis(1)
        workers = cluster.start_workers(1)
        cluster.wait_ready(apis, workers)
        yield cluster
    finally:
        for process in cluster.every:
            process.stop()
        cluster.redis.flushdb()
        cluster.redis.close()


@pytest.fixture(autouse=True)
def report(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    since = cluster.offsets()
    request.node.stash[PROCESS_OUTPUT] = lambda: cluster.report(since)


def live_api(cluster: Cluster) -> Api:
    return next(api for api in cluster.apis if api.alive)


@pytest.fixture
async def client(cluster: Cluster) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_api(cluster).url, timeout=30) as made:
        yield made


async def query(database: FaultyDatabase, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database.url, timeout=5)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def answers_within(seconds: float, request: Any, status: int = 200) -> float:
    """Seconds until ``request()`` answers ``status``; fails after ``seconds``."""
    started = time.monotonic()
    while True:
        try:
            response = await request()
            if response.status_code == status:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < seconds, f"no {status} within {seconds} s"
        await asyncio.sleep(0.1)


async def shop_for(
    client: httpx.AsyncClient, links: list[dict[str, Any]], until: float
) -> Counter[str]:
    """A customer paying random links until ``until``, whatever the API answers."""
    customer, seen = Customer(client), Counter[str]()
    while time.monotonic() < until:
        link = random.choice(links)
        try:
            started = await customer.start(link["id"])
            if started.status_code != 201:
                seen[f"start {started.status_code}"] += 1
                await asyncio.sleep(0.05)
                continue
            confirmed = await customer.confirm(started.json()["id"], CARD_OK)
            outcome = confirmed.json().get("status") if confirmed.status_code == 200 else None
            seen[outcome or f"confirm {confirmed.status_code}"] += 1
        except httpx.HTTPError as error:
            seen[type(error).__name__] += 1
    return seen


async def assert_invariants(database: FaultyDatabase, links: list[dict[str, Any]]) -> int:
    """Caps hold, each success is one charge with one paid event, and the link totals
    agree with the payments. Returns the successes."""
    total = 0
    for link in links:
        rows = await query(
            database,
            "SELECT id, amount, reference FROM payment "
            "WHERE payment_link_id = $1 AND status = 'succeeded'",
            link["id"],
        )
        cap = 1 if link["type"] == "one_off" else link["max_payments"]
        if cap is not None:
            assert len(rows) <= cap, f"{link['id']} oversold: {len(rows)} > {cap}"
        references = [row["reference"] for row in rows]
        assert None not in references
        assert len(set(references)) == len(references), "a charge counted twice"
        [stored] = await query(
            database,
            "SELECT payments_count, amount_collected FROM payment_link WHERE id = $1",
            link["id"],
        )
        assert stored["payments_count"] == len(rows)
        assert stored["amount_collected"] == sum(row["amount"] for row in rows)
        total += len(rows)
    paid = await query(
        database,
        "SELECT (data::jsonb -> 'payment' ->> 'id') AS payment_id, count(*) AS n FROM event "
        "WHERE type = 'payment_link.paid' GROUP BY 1",
    )
    per_payment = {row["payment_id"]: row["n"] for row in paid}
    succeeded = await query(database, "SELECT id FROM payment WHERE status = 'succeeded'")
    assert per_payment == {row["id"]: 1 for row in succeeded}, "not one paid event per success"
    return total


async def store_with_links(
    cluster: Cluster, client: httpx.AsyncClient
) -> tuple[StoreClient, list[dict[str, Any]]]:
    store = await ApiClient(client, cluster.mailbox()).create_store()
    links = [await store.create_link(type="one_off", amount=500 + n) for n in range(4)]
    links.append(await store.create_link(type="reusable", amount=700, max_payments=5))
    links.append(await store.create_link(type="reusable", amount=900))
    return store, links


class TestBackendsTerminated:
    async def test_every_second_for_twenty_seconds_under_paying_customers(
        self, cluster: Cluster, database: FaultyDatabase, client: httpx.AsyncClient
    ) -> None:
        store, links = await store_with_links(cluster, client)
        until = time.monotonic() + FAULT_SECONDS
        shoppers = [asyncio.create_task(shop_for(client, links, until)) for _ in range(CUSTOMERS)]
        rounds = 0
        while time.monotonic() < until:
            await asyncio.sleep(1)
            rounds += await asyncio.to_thread(database.terminate_backends) > 0
        seen = sum((await asyncio.gather(*shoppers)), Counter[str]())
        assert rounds >= FAULT_SECONDS - 2
        assert seen["succeeded"] > 0, seen
        assert seen["start 503"] + seen["confirm 503"] > 0, f"the faults hit nothing: {seen}"
        assert seen["start 500"] + seen["confirm 500"] == 0, seen

        assert await answers_within(5, lambda: store.get("/v1/payment-links")) < 5
        assert await answers_within(5, lambda: client.get("/health/ready")) < 5
        after = await Customer(client).pay(links[-1]["id"])
        assert after["status"] == "succeeded"
        await assert_invariants(database, links)
        [connections] = await query(
            database,
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()",
        )
        # Each process's pool, and the worker's commit listener.
        assert connections["n"] <= 2 * POOL_SIZE + 1


class TestDatabaseDown:
    async def test_503_while_down_then_serving_again_without_a_restart(
        self, cluster: Cluster, database: FaultyDatabase, client: httpx.AsyncClient
    ) -> None:
        store, links = await store_with_links(cluster, client)
        await asyncio.to_thread(database.go_down)
        try:
            started = time.monotonic()
            read = await store.get("/v1/payment-links")
            pay = await Customer(client).start(links[-1]["id"])
            ready = await client.get("/health/ready")
            elapsed = time.monotonic() - started
        finally:
            await asyncio.to_thread(database.come_back)
        assert elapsed < 10
        for response in (read, pay):
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "database_unavailable"
            assert int(response.headers["retry-after"]) >= 1
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] != "ok"

        assert await answers_within(20, lambda: store.get("/v1/payment-links")) < 20
        paid = await Customer(client).pay(links[-1]["id"])
        assert paid["status"] == "succeeded"

        async def relayed() -> bool:
            rows = await query(
                database,
                "SELECT count(*) AS n FROM event WHERE store_id = $1 AND relayed_at IS NULL",
                store.store_id,
            )
            return bool(rows[0]["n"] == 0)

        deadline = time.monotonic() + 30
        while not await relayed():  # the worker's relay resumed by itself
            assert time.monotonic() < deadline, "the outbox was not relayed after the outage"
            await asyncio.sleep(0.2)


class TestApiKilledMidBurst:
    async def test_every_key_retried_after_the_lease_makes_exactly_one_link(
        self, cluster: Cluster, database: FaultyDatabase
    ) -> None:
        api = live_api(cluster)
        async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
            store = await ApiClient(client, cluster.mailbox()).create_store()
            bodies = {f"burst-{n}": {"title": f"Burst {n}", "amount": 100 + n} for n in range(60)}

            async def create(key: str) -> int | str:
                try:
                    response = await store.post(
                        "/v1/payment-links", json=bodies[key], headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError as error:
                    return type(error).__name__
                return response.status_code

            burst = [asyncio.create_task(create(key)) for key in bodies]
            await asyncio.wait(burst, return_when=asyncio.FIRST_COMPLETED)
            await asyncio.to_thread(api.kill)
            first = Counter(await asyncio.gather(*burst))
        killed_at = time.monotonic()
        assert first[201] < len(bodies), f"the kill came after the burst: {first}"

        [restarted] = cluster.start_apis(1)
        await asyncio.to_thread(cluster.wait_ready, [restarted])
        await asyncio.sleep(max(0.0, LEASE_SECONDS + 1 - (time.monotonic() - killed_at)))
        async with httpx.AsyncClient(base_url=restarted.url, timeout=30) as client:
            again = StoreClient(client, store.store_id, store.api_key, store.email)
            retried = {
                key: await again.post(
                    "/v1/payment-links", json=body, headers={"Idempotency-Key": key}
                )
                for key, body in bodies.items()
            }
        refused = {key: r.text for key, r in retried.items() if r.status_code != 201}
        assert refused == {}, refused
        titles = await query(
            database,
            "SELECT title, count(*) AS n FROM payment_link WHERE store_id = $1 GROUP BY title",
            store.store_id,
        )
        assert {row["title"]: row["n"] for row in titles} == {
            b["title"]: 1 for b in bodies.values()
        }
        ids = {key: r.json()["id"] for key, r in retried.items()}
        assert len(set(ids.values())) == len(bodies)


class TestStopAfterFaults:
    async def test_sigterm_ends_every_process_within_30_s_while_the_database_is_down(
        self, cluster: Cluster, database: FaultyDatabase
    ) -> None:
        api = live_api(cluster)
        async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
            store = await ApiClient(client, cluster.mailbox()).create_store()
            await asyncio.to_thread(database.go_down)
            try:
                # Requests in flight against a database that is gone, then SIGTERM.
                pending = [asyncio.create_task(store.get("/v1/payment-links")) for _ in range(8)]
                await asyncio.sleep(0.2)
                running = [p for p in cluster.every if p.alive]
                started = time.monotonic()
                for process in running:
                    process.terminate()
                for process in running:
                    await asyncio.to_thread(process.popen.wait, STOP_WITHIN)
                took = time.monotonic() - started
                await asyncio.gather(*pending, return_exceptions=True)
            finally:
                await asyncio.to_thread(database.come_back)
        assert took < STOP_WITHIN
        assert all(not process.alive for process in running)
