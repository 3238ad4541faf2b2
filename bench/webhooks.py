"""Webhook delivery throughput and latency: PostgreSQL, the Redis broker, one ``paylinks api``
and two ``paylinks worker`` processes, delivering ``payment_link.paid`` to a local receiver.

Run by hand, never by the tests:

    uv run python bench/webhooks.py

What it does, all on 127.0.0.1:

1. A fresh PostgreSQL database (``paylinks migrate``), a Redis database of its own
   (``--redis-db``, flushed before and after), the API as ``paylinks api`` and a receiver:
   a bare ASGI app under uvicorn in its own process that answers 200 and records when each
   request arrived, its ``webhook-id`` header and the event's ``data.payment``.
2. A store (sign-up, sandbox), ``--links`` links and a webhook endpoint for
   ``payment_link.paid`` pointing at the receiver, set up over HTTP.
3. Throughput: with no worker running yet, ``--backlog`` payments are made, so that their
   events wait in the outbox; then ``--workers`` ``paylinks worker --threads N`` processes
   start and the receiver's clock gives the rate at which they drain it (first arrival to
   last).
4. Latency, for each ``--source``, at a fixed rate (``--rate`` a second for ``--seconds``,
   one every 1/rate s whatever the earlier ones are doing):

   - ``outbox``: the bench writes ``payment_link.paid`` event rows straight into the
     outbox table, each in its own transaction, as the payment path's commit would. This
     measures the delivery pipeline alone (relay, broker, workers, receiver) at the rate,
     whatever the API can take. Latency is the arrival minus the time the insert's commit
     had returned.
   - ``payments``: payments started then confirmed with the test card through the API, end
     to end. Latency is the receiver's arrival time minus the event's ``paid_at`` (the time
     the success was recorded, on the same machine's clock). When the API cannot make
     ``--rate`` payments a second, fewer events are made and the figure is not one at the
     rate.

Both parts check that every succeeded payment's event arrived once; duplicates (the same
``webhook-id`` more than once) and missing events are reported.
"""

import asyncio
import contextlib
import multiprocessing
import os
import random
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import msgspec
import redis
import typer
import uvicorn
import uvloop
from api_reads import Backend, _backends_of, _quiet, database, out
from common import (
    HOST,
    SECRET_KEY,
    CpuMeter,
    Pool,
    Process,
    cpu_note,
    create_links,
    free_port,
    paylinks_command,
    percentile,
    setup_store,
    stopping,
    wait_for_http,
)
from rich.table import Table

from paylinks.ids import Prefix, new_id

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
EVENT = "payment_link.paid"
P95_TARGET = 1.0  # seconds, at --rate 100
REDIS_URL = os.environ.get("PAYLINKS_BENCH_REDIS_URL", "redis://127.0.0.1:6379")


# ---------------------------------------------------------------------------- the receiver


class _Payment(msgspec.Struct):
    id: str
    paid_at: datetime | None = None


class _Data(msgspec.Struct):
    payment: _Payment | None = None


class _Envelope(msgspec.Struct):
    type: str
    data: _Data


class Arrival(msgspec.Struct, array_like=True):
    at: float  # time.time() when the whole request had arrived
    webhook_id: str
    type: str
    payment_id: str | None
    paid_at: float | None  # the event's data.payment.paid_at as a timestamp


_received: list[tuple[float, bytes, bytes]] = []
_envelope = msgspec.json.Decoder(_Envelope)


def _arrival(at: float, webhook_id: bytes, body: bytes) -> Arrival:
    event = _envelope.decode(body)
    payment = event.data.payment
    paid_at = payment.paid_at.timestamp() if payment and payment.paid_at else None
    return Arrival(at, webhook_id.decode(), event.type, payment.id if payment else None, paid_at)


async def receiver(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The webhook receiver, a bare ASGI app (see ``receiving``): ``POST /hook`` answers 200
    and records the arrival; ``GET /arrivals?since=N`` returns the arrivals from the N-th on.
    Bodies are parsed only when asked for, so that the answer goes out at once."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = bytearray()
    while True:
        message = await receive()
        body.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    if scope["method"] == "POST" and scope["path"] == "/hook":
        arrived = time.time()
        webhook_id = dict(scope["headers"]).get(b"webhook-id", b"")
        _received.append((arrived, webhook_id, bytes(body)))
        answer = b"ok"
    elif scope["path"] == "/arrivals":
        since = int(scope["query_string"].decode().removeprefix("since=") or 0)
        answer = msgspec.json.encode([_arrival(*item) for item in _received[since:]])
    else:
        answer = b"ok"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(answer))],
        }
    )
    await send({"type": "http.response.body", "body": answer})


def _serve_receiver(port: int) -> None:
    uvicorn.run(
        receiver, host=HOST, port=port, loop="uvloop", http="httptools", log_level="warning",
        access_log=False, server_header=False, timeout_keep_alive=60,
    )  # fmt: skip


@contextlib.contextmanager
def receiving(port: int) -> Iterator[int]:
    """The receiver in a child process forked from this one, which has everything imported
    already (a fresh interpreter would spend seconds importing the app for nothing). Yields
    its pid once it answers."""
    process = multiprocessing.get_context("fork").Process(
        target=_serve_receiver, args=(port,), daemon=True
    )
    process.start()
    try:
        wait_for_http(f"http://{HOST}:{port}/health", process.is_alive, "the receiver")
        assert process.pid is not None
        yield process.pid
    finally:
        process.terminate()
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


class Arrivals:
    """What the receiver has recorded, fetched incrementally."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client  # one client: a new one per poll costs ~20 ms of CPU (TLS set-up)
        self.items: list[Arrival] = []
        self.paid: set[str | None] = set()  # payments whose event arrived
        self._decoder = msgspec.json.Decoder(list[Arrival])

    def fetch(self) -> list[Arrival]:
        new = self._decoder.decode(self.client.get(f"/arrivals?since={len(self.items)}").content)
        self.items += new
        self.paid.update(a.payment_id for a in new if a.type == EVENT)
        return self.items

    def wait_for(self, payment_ids: set[str], seconds: float, *, first: bool = False) -> bool:
        """Until an event of each payment (or with ``first``, of any of them) has arrived
        (True), or ``seconds`` have passed (False)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.fetch()
            if (payment_ids & self.paid) if first else (payment_ids <= self.paid):
                return True
            time.sleep(0.2)
        return False

    def settle(self) -> list[Arrival]:
        """Everything, after a moment more, so that a late duplicate is seen too."""
        time.sleep(1.0)
        return self.fetch()


# ---------------------------------------------------------------------------- paying


@dataclass
class Paid:
    """The payments a phase made: succeeded ids, and what went wrong."""

    ids: set[str] = field(default_factory=set)
    answered: dict[str, float] = field(default_factory=dict)  # time.time() of the 200
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lateness: list[float] = field(default_factory=list)  # seconds a start went out late
    planned: int = 0
    began: float = 0.0  # time.time()
    ended: float = 0.0


async def pay_once(pool: Pool, link_id: str, paid: Paid) -> None:
    try:
        status, body = await pool.request("POST", f"/v1/checkout/links/{link_id}/payments", {})
        if status != 201:
            paid.errors[f"start {status}"] += 1
            return
        payment_id = msgspec.json.decode(body)["id"]
        status, body = await pool.request(
            "POST", f"/v1/checkout/payments/{payment_id}/confirm", {"card": CARD}
        )
    except (ConnectionError, TimeoutError) as error:
        paid.errors[type(error).__name__] += 1
        return
    outcome = msgspec.json.decode(body).get("status") if status == 200 else status
    if outcome == "succeeded":
        paid.ids.add(payment_id)
        paid.answered[payment_id] = time.time()
    else:
        paid.errors[f"confirm {outcome}"] += 1


async def pay_flat_out(base_url: str, link_ids: list[str], count: int, concurrency: int) -> Paid:
    """``count`` payments, ``concurrency`` at a time, as fast as the API takes them."""
    pool, paid, rng = Pool(base_url), Paid(began=time.time()), random.Random(1)
    numbers = iter(range(count))

    async def customer() -> None:
        for _ in numbers:
            await pay_once(pool, rng.choice(link_ids), paid)

    try:
        await asyncio.gather(*(customer() for _ in range(concurrency)))
    finally:
        pool.close()
    paid.ended = time.time()
    return paid


async def pay_paced(
    base_url: str, link_ids: list[str], rate: float, seconds: float, max_in_flight: int
) -> Paid:
    """A payment started every 1/``rate`` s for ``seconds`` (open loop); at most
    ``max_in_flight`` at once: a start held back by that goes out late, and none goes out
    after ``seconds`` (those are reported as not started)."""
    pool, paid, rng = Pool(base_url), Paid(began=time.time()), random.Random(2)
    slots = asyncio.Semaphore(max_in_flight)
    loop = asyncio.get_running_loop()
    tasks = []

    async def one(link_id: str) -> None:
        try:
            await pay_once(pool, link_id, paid)
        finally:
            slots.release()

    start = loop.time() + 0.1
    stop = start + seconds
    paid.planned = round(rate * seconds)
    try:
        for n in range(paid.planned):
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                # No start after the window: the time stays bounded when the API lags.
                await asyncio.wait_for(slots.acquire(), max(0.0, stop - loop.time()))
            except TimeoutError:
                break
            paid.lateness.append(loop.time() - due)
            tasks.append(asyncio.create_task(one(rng.choice(link_ids))))
        await asyncio.gather(*tasks)
    finally:
        pool.close()
    paid.ended = time.time()
    return paid


async def outbox_paced(
    database_url: str, store_id: str, link_ids: list[str], rate: float, seconds: float
) -> Paid:
    """A ``payment_link.paid`` event row written to the outbox every 1/``rate`` s for
    ``seconds`` (open loop), each insert its own transaction, as a payment's commit writes
    it: what the relay sees, without the API. ``answered`` is when the commit returned."""
    paid, rng = Paid(began=time.time()), random.Random(3)
    pool = await asyncpg.create_pool(database_url, min_size=8, max_size=8)
    loop = asyncio.get_running_loop()
    tasks = []

    async def one(link_id: str) -> None:
        payment_id = new_id(Prefix.PAYMENT)
        now = datetime.now(UTC)
        data = {
            "payment_link": {"id": link_id},
            "payment": {"id": payment_id, "paid_at": now.isoformat(), "status": "succeeded"},
        }
        try:
            await pool.execute(
                "INSERT INTO event (id, store_id, type, payment_link_id, data, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                new_id(Prefix.EVENT), store_id, EVENT, link_id,
                msgspec.json.encode(data).decode(), now,
            )  # fmt: skip
        except (OSError, asyncpg.PostgresError) as error:
            paid.errors[type(error).__name__] += 1
            return
        paid.ids.add(payment_id)
        paid.answered[payment_id] = time.time()

    start = loop.time() + 0.1
    paid.planned = round(rate * seconds)
    try:
        for n in range(paid.planned):
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            paid.lateness.append(loop.time() - due)
            tasks.append(asyncio.create_task(one(rng.choice(link_ids))))
        await asyncio.gather(*tasks)
    finally:
        await pool.close()
    paid.ended = time.time()
    return paid


# ---------------------------------------------------------------------------- figures


@dataclass
class Deliveries:
    """How the events of a phase's payments arrived."""

    paid: Paid
    delivered: int = 0
    missing: int = 0
    duplicates: int = 0  # arrivals of a webhook-id already received
    extra_events: int = 0  # events beyond one per payment (distinct webhook-ids)
    latencies: list[float] = field(default_factory=list)  # first arrival - paid_at, seconds
    # First arrival - when the customer had the confirmation's answer (after the commit).
    after_answer: list[float] = field(default_factory=list)
    first: float = 0.0
    last: float = 0.0
    cpu: CpuMeter = field(default_factory=lambda: CpuMeter({}))

    @property
    def rate(self) -> float:
        span = self.last - self.first
        return self.delivered / span if span > 0 else float("nan")


def deliveries(paid: Paid, arrivals: list[Arrival], cpu: CpuMeter) -> Deliveries:
    result = Deliveries(paid, cpu=cpu)
    by_payment: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in arrivals:
        if arrival.type == EVENT and arrival.payment_id in paid.ids:
            by_payment[arrival.payment_id].append(arrival)
    result.delivered = len(by_payment)
    result.missing = len(paid.ids) - result.delivered
    firsts = []
    for received in by_payment.values():
        ids = {a.webhook_id for a in received}
        result.duplicates += len(received) - len(ids)
        result.extra_events += len(ids) - 1
        first = min(received, key=lambda a: a.at)
        firsts.append(first.at)
        if first.paid_at is not None:
            result.latencies.append(first.at - first.paid_at)
        if first.payment_id in paid.answered:
            result.after_answer.append(first.at - paid.answered[first.payment_id])
    if firsts:
        result.first, result.last = min(firsts), max(firsts)
    return result


# ---------------------------------------------------------------------------- the run


@contextlib.contextmanager
def redis_database(number: int) -> Iterator[str]:
    """Redis database ``number``, flushed before and after: the broker's URL."""
    url = f"{REDIS_URL}/{number}"
    client = redis.Redis.from_url(url, socket_timeout=5)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@dataclass(frozen=True)
class Load:
    rate: float
    seconds: float
    backlog: int
    workers: int
    threads: int
    links: int
    drain: float
    max_in_flight: int
    sources: tuple[str, ...]


BOOT_SECONDS = 120.0  # for the workers to boot and deliver a first event (a busy machine)


def run(
    load: Load, redis_db: int, logs: Path
) -> tuple[Deliveries | None, dict[str, Deliveries], float | None]:
    with (
        database(Backend.POSTGRES, logs, "webhooks") as database_url,
        redis_database(redis_db) as broker_url,
        receiving(receiver_port := free_port()) as receiver_pid,
        httpx.Client(base_url=f"http://{HOST}:{receiver_port}", timeout=30) as to_receiver,
        stopping([]) as processes,
    ):
        api_port = free_port()
        env = {
            **os.environ,
            "PAYLINKS_DATABASE_URL": database_url,
            "PAYLINKS_BROKER_URL": broker_url,
            "PAYLINKS_SECRET_KEY": SECRET_KEY,
            "PAYLINKS_DATA_DIR": str(logs / "data"),
            "PAYLINKS_API_URL": f"http://{HOST}:{api_port}",
            "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
            # Every customer here is one address; the public routes are limited per address.
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "1000000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "1000000",
        }
        with (logs / "migrate.log").open("wb") as sink:
            subprocess.run(
                paylinks_command("migrate"), env=env, stdout=sink, stderr=sink, check=True
            )
        api = Process.start(
            "paylinks api", paylinks_command("api", "--port", str(api_port)), env, logs / "api.log"
        )
        processes.append(api)
        receiver_url = f"http://{HOST}:{receiver_port}"
        api_url = f"http://{HOST}:{api_port}"
        api.wait_for_http(f"{api_url}/health")

        store = setup_store(api_url)
        link_ids = create_links(api_url, store, load.links)
        httpx.post(
            f"{api_url}/v1/webhook-endpoints",
            json={"url": f"{receiver_url}/hook", "events": [EVENT]},
            headers=store.auth,
            timeout=30,
        ).raise_for_status()
        arrivals = Arrivals(to_receiver)

        # The workers are started after the backlog is made, so that it waits for them.
        paid = uvloop.run(pay_flat_out(api_url, link_ids, max(1, load.backlog), 32))
        if load.backlog:
            out.print(f"Backlog: {len(paid.ids)} payments made with no worker running")
        workers = []
        for n in range(1, load.workers + 1):
            command = paylinks_command("worker", "--threads", str(load.threads))
            workers.append(Process.start(f"worker {n}", command, env, logs / f"worker{n}.log"))
        processes.extend(workers)
        started = time.time()
        groups: dict[str, list[int] | str | Callable[[], list[int]]] = {
            "api": [api.pid],
            "workers": [w.pid for w in workers],
            "receiver": [receiver_pid],
            # The backends of this run's database only: others' sessions count as others.
            "postgres": lambda: _backends_of(database_url),
            "redis": "redis-server",
        }
        if not arrivals.wait_for(paid.ids, BOOT_SECONDS, first=True):
            raise RuntimeError(
                f"no event arrived within {BOOT_SECONDS:g} s of starting the workers:\n"
                + "\n".join(w.tail() for w in workers)
            )
        meter = CpuMeter(groups)
        meter.start()
        backlog, boot = None, None
        if load.backlog:
            out.print(f"Backlog: {load.workers} workers started; draining {len(paid.ids)} events")
            arrivals.wait_for(paid.ids, load.drain + load.backlog / 20)
            meter.stop()
            backlog = deliveries(paid, arrivals.settle(), meter)
            boot = backlog.first - started if backlog.delivered else None
        else:
            arrivals.wait_for(paid.ids, load.drain)  # the one warm-up payment

        paced: dict[str, Deliveries] = {}
        for source in load.sources:
            out.print(f"Paced: {load.rate:g} events/s for {load.seconds:g} s from {source}")
            meter = CpuMeter(groups)
            meter.start()
            if source == "outbox":
                made = uvloop.run(
                    outbox_paced(database_url, store.store_id, link_ids, load.rate, load.seconds)
                )
            else:
                made = uvloop.run(
                    pay_paced(api_url, link_ids, load.rate, load.seconds, load.max_in_flight)
                )
            arrivals.wait_for(made.ids, load.drain)
            meter.stop()
            paced[source] = deliveries(made, arrivals.settle(), meter)
        for process in processes:
            if process.popen.poll() is not None:
                out.print(f"[red]{process.name} exited early:[/]\n{process.tail()}")
        return backlog, paced, boot


# ---------------------------------------------------------------------------- the report


def _met(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]NOT met[/]"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


PHASE_NAMES = {
    "outbox": "events written to the outbox by the bench (no API)",
    "payments": "payments through the API, end to end",
}


def report(
    load: Load, backlog: Deliveries | None, paced: dict[str, Deliveries], boot: float | None
) -> bool:
    table = Table(
        title=f"Webhook deliveries: PostgreSQL, Redis broker, 1 paylinks api, {load.workers} "
        f"paylinks worker --threads {load.threads}, a receiver, all on 127.0.0.1"
    )
    table.add_column("phase")
    for column in ("events made", "delivered", "missing", "duplicates", "events/s delivered",
                   "latency p50 / p95 / p99 / max ms",
                   "from the answer or commit p50 / p95 ms"):  # fmt: skip
        table.add_column(column, justify="right")
    table.add_column("target")
    table.add_column("errors")
    cpu = Table(title="CPU during each phase: cores by process, and CPU ms per event")
    cpu.add_column("phase")
    any_result = backlog or next(iter(paced.values()))
    for column in [*any_result.cpu.columns(), "workers ms/event", "API ms/payment"]:
        cpu.add_column(column, justify="right")
    all_met = True
    phases: list[tuple[str, Deliveries]] = [("backlog", backlog)] if backlog else []
    for source, result in [*phases, *paced.items()]:
        ok_delivery = result.missing == 0 and result.duplicates == 0 and result.extra_events == 0
        all_met &= ok_delivery and not result.paid.errors
        if source != "backlog":
            p95 = percentile(result.latencies, 95)
            # The rate must have been kept up too: a saturated API makes fewer events.
            kept_up = len(result.paid.lateness) == result.paid.planned
            ok = p95 < P95_TARGET and ok_delivery and kept_up
            all_met &= ok
            name = f"paced, {load.rate:g}/s for {load.seconds:g} s: {PHASE_NAMES[source]}"
            latency = " / ".join(_ms(percentile(result.latencies, p)) for p in (50, 95, 99, 100))
            after = " / ".join(_ms(percentile(result.after_answer, p)) for p in (50, 95))
            target = f"p95 < {P95_TARGET:g} s {_met(ok)}"
        else:
            name = f"backlog of {load.backlog} payments, drained"
            latency, after = "(queued: not a latency)", ""
            target = ""
        errors = ", ".join(f"{n}x {what}" for what, n in sorted(result.paid.errors.items()))
        table.add_row(
            name,
            str(len(result.paid.ids)),
            str(result.delivered),
            str(result.missing),
            str(result.duplicates + result.extra_events),
            f"{result.rate:,.1f}",
            latency,
            after,
            target,
            errors or "0",
        )
        cores = result.cpu.cores
        cpu.add_row(
            name,
            *(f"{cores[column]:.2f}" for column in result.cpu.columns()),
            f"{result.cpu.per(result.delivered, 'workers'):.2f}",
            # The backlog's payments were made before its window: no API figure for it.
            f"{result.cpu.per(len(result.paid.ids), 'api'):.2f}" if source == "payments" else "-",
        )
    out.print(table)
    out.print(cpu)
    for source, result in paced.items():
        late = sorted(result.paid.lateness)
        if not late:
            continue
        what = "payments" if source == "payments" else "event inserts"
        out.print(
            f"Paced {source}: {len(late)} of {result.paid.planned} {what} started within "
            f"{load.seconds:g} s; a start went out late by p99 {_ms(percentile(late, 99))} ms, "
            f"max {_ms(late[-1])} ms; the last was answered "
            f"{result.paid.ended - result.paid.began:.1f} s after the first start."
            + (
                f" (At most {load.max_in_flight} payments under way.) Fewer started than "
                "planned, or late starts, mean that the API, not the webhooks, could not keep "
                "up with the rate."
                if source == "payments"
                else ""
            )
        )
    if backlog is not None and boot is not None:
        out.print(
            f"Backlog phase: the first event arrived {boot:.1f} s after the workers were started "
            "(their boot); events/s and CPU count from the first arrival to the last."
        )
    out.print(
        "Latency: the receiver's arrival time minus the event's data.payment.paid_at: for "
        "payments, the clock read by the confirmation just before it records the success (on a "
        "saturated API the commit comes later); for outbox events, the clock read just before "
        "the insert. 'From the answer or commit': minus the time the customer had the "
        "confirmation's answer (after the commit), or the time the insert's commit returned. "
        "Duplicates: arrivals of a webhook-id already received, plus extra events for one "
        "payment. " + cpu_note()
    )
    return all_met


# ---------------------------------------------------------------------------- the command


def main(
    rate: Annotated[float, typer.Option(min=1, max=1000, help="Payments/s, paced")] = 100.0,
    seconds: Annotated[
        float, typer.Option(min=1, max=120, help="Seconds of paced payments")
    ] = 20.0,
    backlog: Annotated[
        int,
        typer.Option(min=0, max=20_000, help="Payments made before the workers start (0: none)"),
    ] = 1000,
    workers: Annotated[int, typer.Option(min=1, max=8, help="paylinks worker processes")] = 2,
    threads: Annotated[int, typer.Option(min=1, max=64, help="--threads of each worker")] = 8,
    links: Annotated[int, typer.Option(min=1, help="Links the payments are spread over")] = 20,
    drain: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for the last events after a phase")
    ] = 30.0,
    max_in_flight: Annotated[
        int, typer.Option(min=1, help="Paced payments under way at most")
    ] = 256,
    source: Annotated[
        list[str] | None,
        typer.Option(
            help="What makes the paced events: outbox (rows written by the bench: the delivery "
            "pipeline alone), payments (through the API, end to end); repeat for both "
            "(the default)"
        ),
    ] = None,
    redis_db: Annotated[
        int, typer.Option(min=0, max=15, help="Redis database for the broker (flushed)")
    ] = 12,
    logs: Annotated[
        Path | None, typer.Option(help="Keep the processes' logs here (default: a temporary dir)")
    ] = None,
) -> None:
    """Events/s delivered and the latency from a payment's success to the receiver's 2xx,
    with the Redis broker and worker processes."""
    _quiet()
    sources = tuple(source or ["outbox", "payments"])
    if unknown := set(sources) - set(PHASE_NAMES):
        raise typer.BadParameter(f"unknown --source {', '.join(sorted(unknown))}")
    load = Load(rate, seconds, backlog, workers, threads, links, drain, max_in_flight, sources)
    with contextlib.ExitStack() as stack:
        if logs is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paylinks-bench-")))
        else:
            logs.mkdir(parents=True, exist_ok=True)
        backlog_run, paced, boot = run(load, redis_db, logs)
    met = report(load, backlog_run, paced, boot)
    out.print(
        "All targets met." if met else "[red]Not every target is met, or events went astray.[/]"
    )


if __name__ == "__main__":
    typer.run(main)
