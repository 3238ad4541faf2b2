"""The CSV exports of a million payments: memory of the API process while it streams them,
and how soon the first byte and the first row leave.

    uv run python bench/export.py                        # 1,000,000 payments, PostgreSQL
    uv run python bench/export.py --payments 200000      # a quicker run
    uv run python bench/export.py --help

One store, one link holding every payment (a refund on every 10th), bulk-loaded with SQL
(``generate_series``) into a database of the run's own (``paylinks_bench_export``, dropped
at the end; the server is ``PAYLINKS_BENCH_POSTGRES_URL``, else the local ``test`` one).
The real app runs under uvicorn in one process, as ``paylinks api`` does; the bench reads
each export over HTTP as it streams, and samples the API process's resident memory (RSS,
``/proc``) every 20 ms. Idle is the RSS after a warm-up (a few requests and a small
export), the peak is the highest sample while the export streams. Every request goes to
127.0.0.1.
"""

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import typer
from api_reads import Backend, database, make_store, on_database
from common import percentile
from payments import server
from retention import print_sizes

from paylinks.db.engine import bound_engine
from paylinks.pagination import EVERY_ROW
from paylinks.payments import export
from paylinks.payments import repository as payments_repository

SAMPLE_EVERY = 0.02  # seconds between two RSS samples


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def load_payments(
    url: str, store_id: str, link_id: str, count: int, refund_every: int
) -> None:
    """``count`` succeeded payments a second apart, ending now, with customer text that
    needs quoting, and a refund of 500 on every ``refund_every``-th."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "INSERT INTO payment (id, store_id, payment_link_id, amount, currency, status, "
            "gateway, reference, customer_business_name, customer_name, customer_email, "
            "customer_phone, card_last4, failure_reason, hold_expires_at, confirm_started_at, "
            "created_at, paid_at, amount_refunded, amount_refund_pending, void_due_at, "
            "void_attempts) "
            "SELECT 'pay_' || lpad(to_hex(g), 32, '0'), $1, $2, 1000 + g % 5000, 'GBP', "
            "'succeeded', 'sandbox', 'sbx_' || g, "
            "CASE WHEN g % 3 = 0 THEN 'Acme; \"Coffee\" Ltd' END, 'Customer ' || g, "
            "'c' || g || '@example.com', '+447911' || lpad((g % 1000000)::text, 6, '0'), "
            "'4242', NULL, t, t, t, t, CASE WHEN g % $4 = 0 THEN 500 ELSE 0 END, 0, NULL, 0 "
            "FROM generate_series(1, $3::int) AS g, "
            "LATERAL (SELECT now() - ($3::int - g) * interval '1 second' AS t) AS at",
            store_id,
            link_id,
            count,
            refund_every,
        )
        await connection.execute(
            "INSERT INTO refund (id, store_id, payment_id, payment_link_id, amount, currency, "
            "reason, status, reference, failure_reason, created_at, settled_at, attempts, "
            "next_attempt_at, lease_until) "
            "SELECT 're_' || lpad(to_hex(g), 32, '0'), $1, 'pay_' || lpad(to_hex(g), 32, '0'), "
            "$2, 500, 'GBP', '=too strong', 'succeeded', 'sbx_re_' || g, NULL, "
            "now(), now(), 1, NULL, NULL "
            "FROM generate_series($4::int, $3::int, $4::int) AS g",
            store_id,
            link_id,
            count,
            refund_every,
        )
        await connection.execute("ANALYZE")  # what autovacuum does after a bulk load
        await print_sizes(connection, ("payment", "refund"), count, "payment")
    finally:
        await connection.close()


@dataclass
class Streamed:
    name: str
    first_byte: float  # seconds from the request
    first_row: float
    seconds: float
    megabytes: float
    lines: int
    idle_rss: float
    peak_rss: float
    rss_p50: float


async def stream(
    base_url: str, path: str, auth: dict[str, str], pids: list[int], label: str
) -> Streamed:
    idle = max(_rss_mb(pids) for _ in range(3))
    samples: list[float] = []
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            samples.append(_rss_mb(pids))
            await asyncio.sleep(SAMPLE_EVERY)

    sampler = asyncio.create_task(sample())
    first_byte = first_row = float("nan")
    size = lines = 0
    started = time.perf_counter()
    async with (
        httpx.AsyncClient(base_url=base_url, headers=auth, timeout=None) as client,
        client.stream("GET", path) as answer,
    ):
        answer.raise_for_status()
        async for chunk in answer.aiter_raw():
            now = time.perf_counter() - started
            if not size:
                first_byte = now
            size += len(chunk)
            lines += chunk.count(b"\n")
            if lines > 1 and first_row != first_row:  # NaN: not yet
                first_row = now
    seconds = time.perf_counter() - started
    done.set()
    await sampler
    return Streamed(
        label,
        first_byte,
        first_row,
        seconds,
        size / 2**20,
        lines,
        idle,
        max(samples, default=idle),
        percentile(samples, 50),
    )


def whole_file_mb(url: str, store_id: str, link_id: str) -> tuple[float, float]:
    """As the export worked before it streamed, in this process: every payment of the link
    read at once, then the CSV as one body. This process's RSS before and at the end."""

    async def build() -> tuple[float, float]:
        assert bound_engine() is not None
        before = _rss_mb([os.getpid()])
        rows = await payments_repository.list_for_link(link_id, store_id, None, EVERY_ROW)

        async def one_batch() -> AsyncIterator[list[tuple[Any, list[Any]]]]:
            yield [(payment, []) for payment in rows]

        body = b"".join([chunk async for chunk in export.csv_chunks(one_batch())])
        assert body
        after = _rss_mb([os.getpid()])
        return before, after

    return on_database(url, build)


def report(runs: list[Streamed], payments: int) -> None:
    print(f"\nCSV exports of {payments:,} payments (PostgreSQL, one API process)\n")
    print(
        "| export | rows | MB | seconds | rows/s | first byte ms | first row ms "
        "| RSS idle MB | RSS peak MB | peak − idle MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for run in runs:
        rows = run.lines - 1
        print(
            f"| `{run.name}` | {rows:,} | {run.megabytes:.0f} | {run.seconds:.1f} "
            f"| {rows / run.seconds:,.0f} | {run.first_byte * 1000:.0f} "
            f"| {run.first_row * 1000:.0f} | {run.idle_rss:.1f} | {run.peak_rss:.1f} "
            f"| {run.peak_rss - run.idle_rss:+.1f} |"
        )
    worst = max(run.peak_rss - run.idle_rss for run in runs)
    slowest = max(run.first_byte for run in runs)
    print(
        f"\nTargets: RSS within a few MB of idle (worst {worst:+.1f} MB), first byte within "
        f"1 s (slowest {slowest * 1000:.0f} ms)"
    )


def main(
    payments: Annotated[int, typer.Option(help="payments to load (one link)")] = 1_000_000,
    refund_every: Annotated[int, typer.Option(help="a refund on every Nth payment")] = 10,
    whole_file: Annotated[
        bool, typer.Option(help="also build the link's CSV whole, as before it streamed")
    ] = False,
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        database(Backend.POSTGRES, Path(tmp), "export") as url,
    ):
        store = make_store(url, 1)
        link_id = store.link_ids[0]
        started = time.perf_counter()
        asyncio.run(load_payments(url, store.store_id, link_id, payments, refund_every))
        print(f"Loaded {payments:,} payments in {time.perf_counter() - started:.0f} s")
        with server(url, Path(tmp) / "data", False, 1) as (pids, base_url):
            auth = {"Authorization": f"Bearer {store.api_key}"}

            async def run() -> list[Streamed]:
                async with httpx.AsyncClient(base_url=base_url, headers=auth) as client:
                    for _ in range(20):  # warm up: imports, the pool, prepared statements
                        (await client.get("/v1/store")).raise_for_status()
                    # An empty range: the export's code paths, no rows.
                    empty = {"created[gte]": "2999-01-01T00:00:00Z"}
                    (await client.get("/v1/payments.csv", params=empty)).raise_for_status()
                await asyncio.sleep(1)
                return [
                    await stream(base_url, "/v1/payments.csv", auth, pids, "/v1/payments.csv"),
                    await stream(
                        base_url,
                        f"/v1/payment-links/{link_id}/payments.csv",
                        auth,
                        pids,
                        "/v1/payment-links/{id}/payments.csv",
                    ),
                ]

            runs = asyncio.run(run())
        whole = whole_file_mb(url, store.store_id, link_id) if whole_file else None
    report(runs, payments)
    if whole is not None:
        before, after = whole
        print(
            f"\nBuilt whole, as before it streamed (the link's payments, then one body), in "
            f"the bench process: RSS {before:.1f} → {after:.1f} MB ({after - before:+.1f})"
        )


if __name__ == "__main__":
    typer.run(main)
