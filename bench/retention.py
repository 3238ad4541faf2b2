"""Retention at scale on PostgreSQL: millions of events with their webhook deliveries and
attempts, half of them past the retention; how fast the purge deletes them, the longest
it holds its locks, and what the lists answer in while it runs beside without.

    uv run python bench/retention.py                             # 10,000,000 events
    uv run python bench/retention.py --events 1000000 --purge-seconds 20   # quicker
    uv run python bench/retention.py --help

The rows are bulk-loaded with SQL (``generate_series``; the tables' secondary indexes are
dropped for the load and built again after it, then ``VACUUM ANALYZE`` as a live database
would have had) into a database of the run's own (``paylinks_bench_retention``, dropped
at the end; the server is ``PAYLINKS_BENCH_POSTGRES_URL``, else the local ``test`` one):
one store, each event with one delivery and one attempt, created evenly over
``--days`` days up to now, so with 180 days and the default retention of 90 the older
half is due.

Then, with the real app under uvicorn (one process) answering lists to ``--concurrency``
keep-alive connections (the store's events, a link's events, a recent event's
deliveries, in turn):

1. **without**: ``--list-seconds`` of list requests, no purge;
2. **during**: the same while the purge runs (``paylinks.retention.repository.
   purge_events``, the scheduler's code, in this process with its own pool) for at most
   ``--purge-seconds``: events/s purged, each batch's transaction time (the longest is
   the longest any of its row locks is held), and every 50 ms, whether any backend of the
   database waits for a lock.

Every request goes to 127.0.0.1.
"""

import asyncio
import contextlib
import random
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import typer
from api_reads import Backend, database, make_store
from common import connect, percentile
from payments import server

from paylinks.db import engine as db
from paylinks.retention import repository as retention
from paylinks.retention.model import BATCH, Retention

TABLES = ("event", "webhook_delivery", "webhook_attempt")
LOAD_CHUNK = 1_000_000
LOCK_SAMPLE_EVERY = 0.05
ENDPOINT_ID = "we_" + "0" * 32


def _ids(prefix: str) -> str:
    """SQL for the row ``g``'s id: ``prefix`` and 32 hex digits, in the order of ``g``."""
    return f"'{prefix}_' || lpad(to_hex(g), 32, '0')"


async def load(url: str, store_id: str, link_id: str, events: int, days: int) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("SET synchronous_commit = off")
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1::text[]) "
            "AND indexname NOT LIKE '%_pkey'",
            list(TABLES),
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        await connection.execute(
            "INSERT INTO webhook_endpoint (id, store_id, url, events, status, secret_enc, "
            "previous_secret_enc, previous_secret_expires_at, created_at, deleted_at) "
            "VALUES ($1, $2, 'https://hooks.example/paylinks', NULL, 'enabled', 'x', NULL, "
            "NULL, now(), NULL)",
            ENDPOINT_ID,
            store_id,
        )
        data = (
            '{"payment_link": {"id": "' + link_id + '", "object": "payment_link", '
            '"title": "Espresso beans", "amount": 1450, "currency": "GBP", '
            '"status": "active", "type": "reusable"}, "payment": {"id": '
            '"pay_0193a0c4aa5f7cc0b3f4d2c1e0f9a8b7", "amount": 1450, "currency": "GBP", '
            '"status": "succeeded", "customer": {"email": "customer@example.com"}}}'
        )
        step = timedelta(days=days) / events
        end = datetime.now(UTC)
        at = "$3::timestamptz - ($4::bigint - g) * $5::interval"
        for first in range(1, events + 1, LOAD_CHUNK):
            last = min(events, first + LOAD_CHUNK - 1)
            span = (first, last, end, events, step)
            await connection.execute(
                "INSERT INTO event (id, store_id, type, payment_link_id, refund_id, data, "
                "created_at, relayed_at, relay_lease_until) "
                f"SELECT {_ids('evt')}, $6, 'payment_link.paid', $7, NULL, $8, {at}, {at}, "
                "NULL FROM generate_series($1::bigint, $2::bigint) AS g",
                *span,
                store_id,
                link_id,
                data,
            )
            await connection.execute(
                "INSERT INTO webhook_delivery (id, store_id, event_id, endpoint_id, status, "
                "attempts, next_attempt_at, lease_until, created_at, last_attempt_at) "
                f"SELECT {_ids('whd')}, $6, {_ids('evt')}, $7, 'succeeded', 1, NULL, NULL, "
                f"{at}, {at} FROM generate_series($1::bigint, $2::bigint) AS g",
                *span,
                store_id,
                ENDPOINT_ID,
            )
            await connection.execute(
                "INSERT INTO webhook_attempt (id, delivery_id, attempted_at, status_code, "
                f"duration_ms, response_excerpt, error) SELECT {_ids('wha')}, {_ids('whd')}, "
                f"{at}, 200, 35, '{{\"received\": true}}', NULL "
                "FROM generate_series($1::bigint, $2::bigint) AS g",
                *span,
            )
            print(f"  loaded {last:,} of {events:,} events with deliveries and attempts")
        for index in indexes:
            await connection.execute(index["indexdef"])
        print("  indexes built again; VACUUM ANALYZE …")
        for table in TABLES:
            await connection.execute(f"VACUUM (ANALYZE) {table}")
        await print_sizes(connection, TABLES, events, "event")
    finally:
        await connection.close()


async def print_sizes(
    connection: asyncpg.Connection, tables: tuple[str, ...], count: int, unit: str
) -> None:
    """Each table's size with its indexes and TOAST, and the bytes per ``unit``."""
    total = 0
    for table in tables:
        size = await connection.fetchval("SELECT pg_total_relation_size($1::regclass)", table)
        total += size
        print(f"  {table}: {size / 2**20:,.0f} MB with its indexes")
    print(f"  {total / count:,.0f} bytes per {unit} in all, indexes included")


@dataclass
class Window:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def row(self) -> str:
        ms = [latency * 1000 for latency in self.latencies]
        rate = len(ms) / self.seconds if self.seconds else float("nan")
        return (
            f"| {self.name} | {len(ms):,} | {rate:.0f} | {percentile(ms, 50):.1f} "
            f"| {percentile(ms, 99):.1f} | {max(ms, default=float('nan')):.1f} | {self.errors} |"
        )


async def lists(
    base_url: str, auth: dict[str, str], paths: list[str], concurrency: int, window: Window,
    stop: asyncio.Event,
) -> None:  # fmt: skip
    """Each connection asks the next list as soon as the last answered, until ``stop``."""
    connections = await connect(base_url, concurrency, auth)
    started = time.perf_counter()

    async def drive(n: int) -> None:
        connection = connections[n]
        rng = random.Random(n)
        while not stop.is_set():
            path = rng.choice(paths)
            sent = time.perf_counter()
            status, _ = await connection.request("GET", path)
            window.latencies.append(time.perf_counter() - sent)
            if status != 200:
                window.errors += 1

    try:
        await asyncio.gather(*(drive(n) for n in range(concurrency)))
    finally:
        window.seconds = time.perf_counter() - started
        for connection in connections:
            connection.close()


@dataclass
class Purge:
    events: int = 0
    seconds: float = 0.0
    batches: list[float] = field(default_factory=list)  # each transaction's seconds
    lock_samples: int = 0
    lock_waits: int = 0  # samples in which some backend waited for a lock
    finished: bool = False


def timing_transactions(purge: Purge) -> Any:
    """``paylinks.retention.repository``'s transactions, each timed from BEGIN to the end
    of COMMIT: the longest any lock the batch takes can be held."""
    opened = db.transaction

    @contextlib.asynccontextmanager
    async def timed() -> AsyncIterator[Any]:
        started = time.perf_counter()
        async with opened() as transaction:
            yield transaction
        purge.batches.append(time.perf_counter() - started)

    return timed


async def watch_locks(url: str, purge: Purge, stop: asyncio.Event) -> None:
    connection = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            waiting = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            purge.lock_samples += 1
            purge.lock_waits += bool(waiting)
            await asyncio.sleep(LOCK_SAMPLE_EVERY)
    finally:
        await connection.close()


async def purging(url: str, purge: Purge, seconds: float) -> None:
    engine = db.make_engine(url, pool_size=2)
    db.bind(engine)
    await db.start(engine)
    retention.transaction = timing_transactions(purge)  # type: ignore[assignment]
    before = Retention().events_before(datetime.now(UTC))
    started = time.perf_counter()
    task = asyncio.create_task(retention.purge_events(before))
    try:
        purge.events = await asyncio.wait_for(asyncio.shield(task), seconds)
        purge.finished = True
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        purge.events = len(purge.batches) * BATCH
    finally:
        purge.seconds = time.perf_counter() - started
        await db.stop(engine)


async def measure(
    url: str, base_url: str, auth: dict[str, str], paths: list[str], options: dict[str, Any]
) -> tuple[list[Window], Purge]:
    concurrency, list_seconds = options["concurrency"], options["list_seconds"]
    stop = asyncio.Event()
    warmup = asyncio.create_task(lists(base_url, auth, paths, concurrency, Window(""), stop))
    await asyncio.sleep(2)  # not counted: the pool, prepared statements, caches
    stop.set()
    await warmup
    without = Window("without the purge")
    stop = asyncio.Event()
    load_task = asyncio.create_task(lists(base_url, auth, paths, concurrency, without, stop))
    await asyncio.sleep(list_seconds)
    stop.set()
    await load_task

    during = Window("during the purge")
    purge = Purge()
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(lists(base_url, auth, paths, concurrency, during, stop)),
        asyncio.create_task(watch_locks(url, purge, stop)),
    ]
    await purging(url, purge, options["purge_seconds"])
    stop.set()
    await asyncio.gather(*tasks)
    return [without, during], purge


def report(events: int, windows: list[Window], purge: Purge, concurrency: int) -> None:
    print(f"\nRetention on PostgreSQL: {events:,} events, each with a delivery and an attempt\n")
    rate = purge.events / purge.seconds if purge.seconds else float("nan")
    batches = [b * 1000 for b in purge.batches]
    state = "all that was due" if purge.finished else "stopped at --purge-seconds"
    print(
        f"Purge: {purge.events:,} events (with as many deliveries and attempts) in "
        f"{purge.seconds:.1f} s ({state}): **{rate:,.0f} events/s**, "
        f"{rate * 3:,.0f} rows/s; batches of {BATCH}, {len(batches)} transactions: p50 "
        f"{percentile(batches, 50):.1f} ms, p99 {percentile(batches, 99):.1f} ms, longest "
        f"**{max(batches, default=float('nan')):.1f} ms**"
    )
    print(
        f"Lock waits: {purge.lock_waits} of {purge.lock_samples} samples (every "
        f"{LOCK_SAMPLE_EVERY * 1000:.0f} ms) saw a backend waiting for a lock\n"
    )
    print(f"Lists ({concurrency} connections): the store's events, a link's, an event's deliveries")
    print("\n| window | requests | req/s | p50 ms | p99 ms | max ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for window in windows:
        print(window.row())


def main(
    events: Annotated[int, typer.Option(help="events to load")] = 10_000_000,
    days: Annotated[int, typer.Option(help="the events span this many days to now")] = 180,
    list_seconds: Annotated[float, typer.Option(help="lists without the purge")] = 15,
    purge_seconds: Annotated[float, typer.Option(help="the purge's time at most")] = 60,
    concurrency: Annotated[int, typer.Option(help="list requests in flight")] = 4,
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        database(Backend.POSTGRES, Path(tmp), "retention") as url,
    ):
        store = make_store(url, 1)
        link_id = store.link_ids[0]
        started = time.perf_counter()
        asyncio.run(load(url, store.store_id, link_id, events, days))
        print(f"Loaded in {time.perf_counter() - started:.0f} s")
        recent = "evt_" + format(events - 5, "032x")
        paths = [
            "/v1/events?limit=20",
            f"/v1/events?limit=20&payment_link_id={link_id}",
            f"/v1/events/{recent}/deliveries",
        ]
        options = {
            "concurrency": concurrency,
            "list_seconds": list_seconds,
            "purge_seconds": purge_seconds,
        }
        with server(url, Path(tmp) / "data", False, 1) as (_, base_url):
            auth = {"Authorization": f"Bearer {store.api_key}"}
            windows, purge = asyncio.run(measure(url, base_url, auth, paths, options))
    report(events, windows, purge, concurrency)


if __name__ == "__main__":
    typer.run(main)
