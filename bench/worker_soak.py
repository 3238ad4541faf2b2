"""Worker soak: the memory (RSS) of one ``paylinks worker`` process under a steady, modest
load for ``--minutes``, to tell a leak (growth without end) from warm-up (growth that levels
off).

Run by hand, never by the tests:

    uv run python bench/worker_soak.py                  # 30 minutes
    uv run python bench/worker_soak.py --minutes 3      # a quick check
    uv run python bench/worker_soak.py --hook stats --trim-at 25   # malloc figures, a trim
    uv run python bench/worker_soak.py --hook trace     # tracemalloc: what grows, where

What it does, all on 127.0.0.1:

1. A fresh PostgreSQL database ``paylinks_soak_<random>`` (``paylinks migrate``; dropped at
   the end), Redis database ``--redis-db`` (12, flushed before and after), one
   ``paylinks api``, one ``paylinks worker`` and a webhook receiver: a bare ASGI app that
   answers 500 to a ``--fail-share`` of the requests, at random, so that retries happen.
2. A store (sign-up, sandbox), a webhook endpoint for every event type pointing at the
   receiver, and ``--links`` links, over HTTP.
3. For ``--minutes``: ``--rate`` customers a second each start and confirm a payment (open
   loop, at most ``MAX_IN_FLIGHT`` under way); every ``--refund-every``-th paid payment is
   refunded and every ``--send-every``-th customer also has the link sent by email. The
   worker relays the events, delivers the webhooks (and their retries), settles the
   refunds and sends the messages (to the local outbox).
4. Every ``SAMPLE_EVERY`` seconds it reads the worker's VmRSS and RssAnon (with any child
   process) and the API's VmRSS, for comparison. The report is the table of those samples
   and the slope of a least-squares line through the second half (MB/min): near 0 when the
   growth levelled off.

The processes inherit this one's environment: ``MALLOC_ARENA_MAX=2 uv run python
bench/worker_soak.py`` runs them with two glibc malloc arenas.

``--hook stats`` runs the worker with ``soak_trace.py`` as its ``sitecustomize``: malloc,
gc, thread and file figures every 30 s and, past the warm-up, the object types that grew
(see that file); it costs next to nothing. ``--hook trace`` adds tracemalloc and the
allocation sites that grew; tracing costs CPU and memory of its own (its snapshots alone
add tens of MB of RSS): read the RSS of an untraced run, and the sites of a traced one.
``--trim-at M`` sends the hooked worker SIGUSR1 after the sample of minute M: it calls
glibc's ``malloc_trim(0)``, so RSS that falls back then was free memory malloc kept, not a
leak.
"""

import asyncio
import contextlib
import enum
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import msgspec
import typer
import uvicorn
import uvloop
from api_reads import POSTGRES_ADMIN_URL, _admin, _process_cpu, _quiet, out
from common import (
    HOST,
    SECRET_KEY,
    Pool,
    Process,
    Store,
    create_links,
    family,
    free_port,
    paylinks_command,
    setup_store,
    stopping,
    wait_for_http,
)
from rich.table import Table
from webhooks import CARD, redis_database

SAMPLE_EVERY = 30.0  # seconds between two RSS samples
MAX_IN_FLIGHT = 64  # customers under way at most; a customer due beyond that is skipped
READY_SECONDS = 180.0  # for the worker to boot and deliver a first webhook (a busy machine)
HOOK = Path(__file__).with_name("soak_trace.py")


class Hook(enum.StrEnum):
    OFF = "off"
    STATS = "stats"  # soak_trace.py without tracemalloc
    TRACE = "trace"  # soak_trace.py with tracemalloc


# ---------------------------------------------------------------------------- the receiver

_fail_share = 0.0
_answers: Counter[int] = Counter()


async def receiver(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """``POST /hook`` answers 500 to a ``_fail_share`` of the requests, else 200, and counts
    them; ``GET /counts`` returns the counts by status."""
    while (await receive()).get("more_body", False):
        pass
    status, answer = 200, b"ok"
    if scope["method"] == "POST" and scope["path"] == "/hook":
        status = 500 if random.random() < _fail_share else 200
        _answers[status] += 1
    elif scope["path"] == "/counts":
        answer = msgspec.json.encode(_answers)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(answer))],
        }
    )
    await send({"type": "http.response.body", "body": answer})


def _serve_receiver(port: int, fail_share: float) -> None:
    global _fail_share
    _fail_share = fail_share
    uvicorn.run(
        receiver, host=HOST, port=port, loop="uvloop", http="httptools", log_level="warning",
        access_log=False, server_header=False, lifespan="off", timeout_keep_alive=60,
    )  # fmt: skip


@contextlib.contextmanager
def receiving(port: int, fail_share: float) -> Iterator[None]:
    """The receiver in a child process forked from this one (no second import of the app)."""
    process = multiprocessing.get_context("fork").Process(
        target=_serve_receiver, args=(port, fail_share), daemon=True
    )
    process.start()
    try:
        wait_for_http(f"http://{HOST}:{port}/health", process.is_alive, "the receiver")
        yield
    finally:
        process.terminate()
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def answers(receiver_url: str) -> dict[int, int]:
    counts = httpx.get(f"{receiver_url}/counts", timeout=10).json()
    return {int(status): n for status, n in counts.items()}


# ---------------------------------------------------------------------------- the load


@dataclass(frozen=True)
class Load:
    minutes: float
    rate: float
    refund_every: int
    send_every: int
    trim_at: float | None = None  # minute after which the worker is sent SIGUSR1


@dataclass
class Sample:
    minute: float
    worker_mb: float  # VmRSS
    worker_anon_mb: float  # RssAnon: the heap and other private memory, no mapped files
    api_mb: float
    done: Counter[str]  # what the customers had done by then
    answers: dict[int, int]  # webhook requests the receiver had answered, by status


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """``field`` of /proc/<pid>/status (VmRSS, RssAnon) for ``pid`` and its descendants,
    in MB."""
    total = 0
    for member in family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
    return total / 1024


async def customer(
    n: int, checkout: Pool, merchant: Pool, link_id: str, load: Load, done: Counter[str]
) -> None:
    """Pay; every ``refund_every``-th refunds what it paid, every ``send_every``-th has the
    link sent by email too."""
    try:
        status, body = await checkout.request("POST", f"/v1/checkout/links/{link_id}/payments", {})
        if status != 201:
            done[f"start {status}"] += 1
            return
        payment_id = msgspec.json.decode(body)["id"]
        status, body = await checkout.request(
            "POST", f"/v1/checkout/payments/{payment_id}/confirm", {"card": CARD}
        )
        outcome = msgspec.json.decode(body).get("status") if status == 200 else status
        done["paid" if outcome == "succeeded" else f"confirm {outcome}"] += 1
        if outcome == "succeeded" and n % load.refund_every == 0:
            status, _ = await merchant.request("POST", f"/v1/payments/{payment_id}/refunds", {})
            done["refunded" if status in (200, 201) else f"refund {status}"] += 1
        if n % load.send_every == 0:
            email = {"email": f"customer{n}@example.com"}
            status, _ = await merchant.request("POST", f"/v1/payment-links/{link_id}/send", email)
            done["sent" if status == 202 else f"send {status}"] += 1
    except (ConnectionError, TimeoutError) as error:
        done[type(error).__name__] += 1


async def drive(
    api_url: str, store: Store, link_ids: list[str], load: Load, done: Counter[str]
) -> None:
    """A customer every 1/``rate`` s until ``minutes`` have passed, then waits (bounded) for
    the last ones."""
    checkout, merchant = Pool(api_url), Pool(api_url, store.auth)
    loop = asyncio.get_running_loop()
    start, rng = loop.time(), random.Random(1)
    end = start + load.minutes * 60
    under_way: set[asyncio.Task[None]] = set()
    n = 0
    try:
        while (due := start + n / load.rate) < end:
            await asyncio.sleep(max(0.0, due - loop.time()))
            n += 1
            if len(under_way) >= MAX_IN_FLIGHT:
                done["skipped (too many under way)"] += 1
                continue
            task = asyncio.create_task(
                customer(n, checkout, merchant, rng.choice(link_ids), load, done)
            )
            under_way.add(task)
            task.add_done_callback(under_way.discard)
        if under_way:
            await asyncio.wait(under_way, timeout=60)
    finally:
        checkout.close()
        merchant.close()


async def sample(
    worker: int, api: int, receiver_url: str, load: Load, done: Counter[str]
) -> list[Sample]:
    """RSS every ``SAMPLE_EVERY`` s from now to the end of the load, both included; the
    trim signal after the sample of ``load.trim_at``."""
    loop = asyncio.get_running_loop()
    start, samples, trim_at = loop.time(), [], load.trim_at
    for k in range(int(load.minutes * 60 / SAMPLE_EVERY) + 1):
        await asyncio.sleep(max(0.0, start + k * SAMPLE_EVERY - loop.time()))
        counts = await asyncio.to_thread(answers, receiver_url)
        minute = (loop.time() - start) / 60
        samples.append(
            Sample(
                minute,
                rss_mb(worker),
                rss_mb(worker, "RssAnon"),
                rss_mb(api),
                Counter(done),
                counts,
            )
        )
        if trim_at is not None and minute >= trim_at - 0.01:
            os.kill(worker, signal.SIGUSR1)
            trim_at = None
    return samples


async def soak(
    api_url: str,
    receiver_url: str,
    store: Store,
    link_ids: list[str],
    load: Load,
    pids: tuple[int, int],
) -> list[Sample]:
    done: Counter[str] = Counter()
    samples, _ = await asyncio.gather(
        sample(*pids, receiver_url, load, done), drive(api_url, store, link_ids, load, done)
    )
    return samples


# ---------------------------------------------------------------------------- the run


@contextlib.contextmanager
def soak_database() -> Iterator[str]:
    """A fresh database ``paylinks_soak_<random>``, dropped at the end."""
    name = f"paylinks_soak_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


BACKLOG_SQL = {
    "events not relayed": "SELECT count(*) FROM event WHERE relayed_at IS NULL",
    "deliveries pending": "SELECT count(*) FROM webhook_delivery WHERE status = 'pending'",
    "deliveries succeeded": "SELECT count(*) FROM webhook_delivery WHERE status = 'succeeded'",
    "deliveries failed": "SELECT count(*) FROM webhook_delivery WHERE status = 'failed'",
    "refunds pending": "SELECT count(*) FROM refund WHERE status = 'pending'",
    "messages queued": "SELECT count(*) FROM message WHERE status = 'queued'",
}


async def backlog(database_url: str) -> dict[str, int]:
    """What the worker had left to do at the end (a growing backlog is not a leak)."""
    connection = await asyncpg.connect(database_url)
    try:
        return {name: await connection.fetchval(sql) for name, sql in BACKLOG_SQL.items()}
    finally:
        await connection.close()


@dataclass
class Result:
    samples: list[Sample]
    backlog: dict[str, int]
    worker_cores: float
    trace: Path | None = None  # the hook's output
    exited: list[str] = field(default_factory=list)


def worker_env(env: dict[str, str], hook: Hook, trace: Path, logs: Path) -> dict[str, str]:
    """The worker's environment; with a hook, ``soak_trace.py`` as its sitecustomize,
    writing to ``trace``."""
    if hook is Hook.OFF:
        return env
    directory = logs / "hook"
    directory.mkdir(exist_ok=True)
    shutil.copy(HOOK, directory / "sitecustomize.py")
    path = os.pathsep.join(filter(None, [str(directory), env.get("PYTHONPATH")]))
    env = {**env, "PYTHONPATH": path, "PAYLINKS_SOAK_TRACE": str(trace)}
    if hook is Hook.STATS:
        env["PAYLINKS_SOAK_TRACE_FRAMES"] = "0"
    return env


def run(
    load: Load, links: int, threads: int, fail_share: float, redis_db: int, logs: Path,
    hook: Hook,
) -> Result:  # fmt: skip
    receiver_port, api_port = free_port(), free_port()
    receiver_url, api_url = f"http://{HOST}:{receiver_port}", f"http://{HOST}:{api_port}"
    with (
        soak_database() as database_url,
        redis_database(redis_db) as broker_url,
        receiving(receiver_port, fail_share),
        stopping([]) as processes,
    ):
        env = {
            **os.environ,
            "PAYLINKS_DATABASE_URL": database_url,
            "PAYLINKS_BROKER_URL": broker_url,
            "PAYLINKS_SECRET_KEY": SECRET_KEY,
            "PAYLINKS_DATA_DIR": str(logs / "data"),
            "PAYLINKS_API_URL": api_url,
            "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
            # Every customer here is one address; the public routes are limited per address.
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "100000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "100000",
        }
        with (logs / "migrate.log").open("wb") as sink:
            subprocess.run(
                paylinks_command("migrate"), env=env, stdout=sink, stderr=sink, check=True
            )
        api = Process.start(
            "paylinks api", paylinks_command("api", "--port", str(api_port)), env, logs / "api.log"
        )
        processes.append(api)
        worker = Process.start(
            "paylinks worker",
            paylinks_command("worker", "--threads", str(threads)),
            worker_env(env, hook, logs / "trace", logs),
            logs / "worker.log",
        )
        processes.append(worker)
        api.wait_for_http(f"{api_url}/health")
        store = setup_store(api_url)
        httpx.post(
            f"{api_url}/v1/webhook-endpoints",
            json={"url": f"{receiver_url}/hook"},
            headers=store.auth,
            timeout=30,
        ).raise_for_status()
        link_ids = create_links(api_url, store, links)  # their payment_link.created events
        deadline = time.monotonic() + READY_SECONDS
        while not answers(receiver_url):  # the worker has booted and delivered one
            if worker.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker delivered nothing:\n{worker.tail()}")
            time.sleep(0.5)
        out.print(
            f"Worker up (pid {worker.pid}, {rss_mb(worker.pid):.1f} MB); "
            f"{load.rate:g} payments/s for {load.minutes:g} min"
        )
        cpu_before = _process_cpu(worker.pid)
        samples = uvloop.run(
            soak(api_url, receiver_url, store, link_ids, load, (worker.pid, api.pid))
        )
        worker_cores = (_process_cpu(worker.pid) - cpu_before) / (load.minutes * 60)
        exited = [p.name for p in processes if p.popen.poll() is not None]
        trace = None if hook is Hook.OFF else logs / "trace"
        return Result(samples, asyncio.run(backlog(database_url)), worker_cores, trace, exited)


# ---------------------------------------------------------------------------- the report


def slope(points: list[tuple[float, float]]) -> float:
    """MB per minute of the least-squares line through (minute, MB) points."""
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def halves(points: list[tuple[float, float]], minutes: float) -> tuple[float, float]:
    """The slopes of the first and second half of the run."""
    first = [(x, y) for x, y in points if x <= minutes / 2]
    second = [(x, y) for x, y in points if x >= minutes / 2]
    return slope(first), slope(second)


def report(result: Result, load: Load) -> None:
    samples = result.samples
    table = Table(title="Worker RSS under load (1 paylinks worker, PostgreSQL, Redis)")
    for column in ("minute", "worker RSS MB", "change MB", "of it anon MB", "API RSS MB",
                   "payments", "refunds", "sends", "webhooks 2xx", "webhooks 500"):  # fmt: skip
        table.add_column(column, justify="right")
    first = samples[0].worker_mb
    for s in samples:
        table.add_row(
            f"{s.minute:.1f}", f"{s.worker_mb:.1f}", f"{s.worker_mb - first:+.1f}",
            f"{s.worker_anon_mb:.1f}", f"{s.api_mb:.1f}", str(s.done["paid"]),
            str(s.done["refunded"]), str(s.done["sent"]), str(s.answers.get(200, 0)),
            str(s.answers.get(500, 0)),
        )  # fmt: skip
    out.print(table)
    worker = [(s.minute, s.worker_mb) for s in samples]
    anon = [(s.minute, s.worker_anon_mb) for s in samples]
    api = [(s.minute, s.api_mb) for s in samples]
    early, late = halves(worker, load.minutes)
    out.print(
        f"Worker RSS slope (least squares): first half {early:+.3f} MB/min, "
        f"[bold]second half {late:+.3f} MB/min[/]; {first:.1f} -> {samples[-1].worker_mb:.1f} MB. "
        f"Second half, worker anon: {halves(anon, load.minutes)[1]:+.3f} MB/min; "
        f"API: {halves(api, load.minutes)[1]:+.3f} MB/min."
    )
    done = samples[-1].done
    problems = {k: n for k, n in done.items() if k not in ("paid", "refunded", "sent")}
    out.print(
        f"Load: {done['paid']} payments ({done['paid'] / (load.minutes * 60):.1f}/s), "
        f"{done['refunded']} refunds, {done['sent']} sends; other outcomes: "
        f"{problems or 'none'}. Worker CPU: {result.worker_cores:.2f} cores. "
        f"Left at the end: {result.backlog}."
    )
    if load.trim_at is not None:
        out.print(f"The worker was sent SIGUSR1 (malloc_trim) after the sample of minute "
                  f"{load.trim_at:g}.")  # fmt: skip
    if result.exited:
        out.print(f"[red]Exited before the end: {', '.join(result.exited)}[/]")
    if result.trace is not None:
        trace_report(result.trace)


def trace_report(trace: Path) -> None:
    """The hook's figures: a row every 30 s of the worker's uptime, the trims, the slopes and
    the last growth report."""
    stats = trace / "stats.jsonl"
    if not stats.exists():
        out.print(f"[red]No figures from the hook in {trace}[/]")
        return
    lines = [msgspec.json.decode(line) for line in stats.read_text().splitlines()]
    ticks = [line for line in lines if "trim" not in line]
    table = Table(title=f"Inside the worker ({trace})")
    names = ["rss_mb", "rss_anon_mb", "traced_mb", "malloc_in_use_mb", "malloc_free_mb",
             "pymalloc_arenas_mb", "pymalloc_used_mb", "gc_objects", "threads", "fds"]  # fmt: skip
    table.add_column("uptime min", justify="right")
    for name in names:
        title = name.removesuffix("_mb").replace("_", " ") + (" MB" if name.endswith("_mb") else "")
        table.add_column(title, justify="right")
    for line in ticks:
        table.add_row(
            f"{line['uptime_s'] / 60:.1f}",
            *(f"{line.get(n, 0):.1f}" if n.endswith("_mb") else str(line.get(n)) for n in names),
        )
    out.print(table)
    for line in lines:
        if "trim" in line:
            before, after = line["trim"]["before"], line["trim"]["after"]
            out.print(
                f"malloc_trim(0) at uptime {line['uptime_s'] / 60:.1f} min: RSS "
                f"{before['rss_mb']:.1f} -> {after['rss_mb']:.1f} MB, malloc free "
                f"{before['malloc_free_mb']:.1f} -> {after['malloc_free_mb']:.1f} MB, in use "
                f"{before['malloc_in_use_mb']:.1f} -> {after['malloc_in_use_mb']:.1f} MB"
            )
    for name in ("rss_mb", "traced_mb", "malloc_in_use_mb", "malloc_free_mb", "pymalloc_arenas_mb",
                 "pymalloc_used_mb"):  # fmt: skip
        points = [(line["uptime_s"] / 60, line.get(name, 0.0)) for line in ticks]
        out.print(f"{name}: second-half slope {halves(points, points[-1][0])[1]:+.3f} MB/min")
    diffs = sorted(trace.glob("diff-*.txt"))
    if diffs:
        out.print(f"Last growth report, {diffs[-1]}:\n{diffs[-1].read_text()}", markup=False)


# ---------------------------------------------------------------------------- the command


def _exit(signum: int, frame: object) -> None:
    """SIGTERM as Ctrl-C: the processes stop, the database is dropped, Redis flushed."""
    raise SystemExit(128 + signum)


def main(
    minutes: Annotated[float, typer.Option(min=0.5, max=240, help="Minutes of load")] = 30.0,
    rate: Annotated[float, typer.Option(min=0.5, max=100, help="Payments/s, paced")] = 15.0,
    refund_every: Annotated[
        int, typer.Option(min=1, help="Refund every N-th payment in full")
    ] = 10,
    send_every: Annotated[
        int, typer.Option(min=1, help="Send the link by email for every N-th customer")
    ] = 20,
    fail_share: Annotated[
        float, typer.Option(min=0, max=1, help="Share of webhook requests answered 500")
    ] = 0.2,
    links: Annotated[int, typer.Option(min=1, help="Links the payments are spread over")] = 20,
    threads: Annotated[int, typer.Option(min=1, max=64, help="--threads of the worker")] = 4,
    redis_db: Annotated[
        int, typer.Option(min=0, max=15, help="Redis database for the broker (flushed)")
    ] = 12,
    hook: Annotated[
        Hook,
        typer.Option(
            help="soak_trace.py in the worker: stats (malloc, gc: cheap) or trace (tracemalloc "
            "too: costly)"
        ),
    ] = Hook.OFF,
    trim_at: Annotated[
        float | None,
        typer.Option(help="Minute after which the hooked worker calls malloc_trim(0)"),
    ] = None,
    logs: Annotated[
        Path | None,
        typer.Option(
            help="Keep the logs (and the hook's output) here (default: a temporary directory, "
            "kept with a hook)"
        ),
    ] = None,
) -> None:
    """RSS of one paylinks worker under steady load, and its slope over the second half."""
    _quiet()
    signal.signal(signal.SIGTERM, _exit)
    if trim_at is not None and hook is Hook.OFF:
        raise typer.BadParameter("--trim-at needs --hook stats or --hook trace")
    load = Load(minutes, rate, refund_every, send_every, trim_at)
    with contextlib.ExitStack() as stack:
        if logs is None and hook is not Hook.OFF:
            logs = Path(tempfile.mkdtemp(prefix="paylinks-soak-"))
        elif logs is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paylinks-soak-")))
        logs.mkdir(parents=True, exist_ok=True)
        result = run(load, links, threads, fail_share, redis_db, logs, hook)
        report(result, load)
    if hook is not Hook.OFF:
        out.print(f"Logs and the hook's output kept in {logs}")


if __name__ == "__main__":
    typer.run(main)
