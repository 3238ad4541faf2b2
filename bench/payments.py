"""Customers paying with the sandbox gateway, on SQLite and PostgreSQL.

Run by hand, never by the tests:

    uv run python bench/payments.py --backend both

For each backend a fresh database is served by the real app under uvicorn (one process by
default, ``--workers``; on uvloop and httptools, on 127.0.0.1), set up over HTTP like a
merchant would (sign-up, sandbox activation, ``--links`` reusable links), then measured in
three parts:

1. The public link view beside its floor: a bare route on the same server that does the
   same primary-key select of the link plus the store's name and encodes them. Rounds
   interleave the two so that a change in the machine's load hits both alike.
2. ``--customers`` concurrent customers, each on its own keep-alive connection, paying
   again and again: view the link, start a payment, confirm it with the test card. The
   figures are the completed (succeeded) payments per second and p50/p99 of each step.
3. The capacity invariant under that load: while the customers go on paying, another
   ``--cap-customers`` race for a link with ``max_payments = --cap``; a share of them is
   declined (which frees a place), the others retry while every place is held. Afterwards
   exactly ``--cap`` payments must have succeeded, by the API's count and the database's,
   and no customer may have seen more.

The load comes from this process with a lean HTTP/1.1 client (see ``common.Exchange``).
On SQLite the server also runs the background jobs in-process, as ``paylinks up`` does.
On PostgreSQL it runs as the API does in production, with its connection pool and the jobs
left to worker processes (none run here: the outbox rows wait), unless ``--pg-run-jobs``.
"""

import asyncio
import contextlib
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import msgspec
import typer
import uvloop
from api_reads import Backend, _quiet, database, on_database, out
from common import (
    HOST,
    SECRET_KEY,
    CpuMeter,
    Exchange,
    Process,
    Store,
    connect,
    cpu_note,
    create_links,
    family,
    free_port,
    percentile,
    server_command,
    setup_store,
    stopping,
)
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from rich.table import Table

from paylinks.db.migrate import migrate
from paylinks.links.tables import PaymentLinkTable
from paylinks.payments.tables import PaymentTable
from paylinks.settings import load_settings
from paylinks.stores.tables import StoreTable
from paylinks_cli.compose import create_app

VIEW = "/v1/checkout/links/{id}"
START = "/v1/checkout/links/{id}/payments"
CONFIRM = "/v1/checkout/payments/{id}/confirm"
FLOOR = "/bench/floor/checkout/{id}"
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
DECLINED_CARD = {**CARD, "number": "4000000000000002"}
STEPS = ("view", "start", "confirm", "payment")
RATE_TARGET = 150.0  # completed payments/s on PostgreSQL, at least
FLOOR_TARGET = 0.8  # the public view's req/s over the floor's, at least
SQLITE_TARGET = 0.6  # SQLite's payments/s over PostgreSQL's in the same run, at least
TAIL_TARGET = 4.0  # SQLite's p99 over p50 of start, confirm and the whole payment, at most
TAIL_STEPS = ("start", "confirm", "payment")
RUN_JOBS_ENV = "PAYLINKS_BENCH_RUN_JOBS"

_decode = msgspec.json.decode


# ---------------------------------------------------------------------------- the server

_LINK_COLUMNS = PaymentLinkTable._meta.columns


@get("/bench/floor/checkout/{link_id:str}", include_in_schema=False)
async def floor(link_id: FromPath[str]) -> dict[str, Any]:
    """The floor of the public view: the link's primary-key select of every column and its
    store's name, encoded as they come."""
    link = (
        await PaymentLinkTable.select(*_LINK_COLUMNS).where(PaymentLinkTable.id == link_id).first()
    )
    if link is None:
        raise NotFoundException()
    store = (
        await StoreTable.select(StoreTable.name).where(StoreTable.id == link["store_id"]).first()
    )
    return {"link": link, "merchant_name": store["name"] if store else None}


def serve_app() -> Litestar:
    """What the server subprocess runs (``uvicorn --factory``), settings from its env."""
    _quiet()
    run_jobs = {"1": True, "0": False}.get(os.environ.get(RUN_JOBS_ENV, ""))
    app: Litestar = create_app(
        load_settings(env_file=None), run_jobs=run_jobs, route_handlers=[floor]
    )
    return app


@contextlib.contextmanager
def server(
    database_url: str, data_dir: Path, run_jobs: bool | None, workers: int, kind: str = "uvicorn"
) -> Iterator[tuple[list[int], str]]:
    """The app under uvicorn in a subprocess; yields its pids (with uvicorn's worker
    processes) and its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PAYLINKS_DATABASE_URL": database_url,
        "PAYLINKS_DATA_DIR": str(data_dir),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        "PAYLINKS_API_URL": f"http://{HOST}:{port}",
        # Every customer here is one address; the public routes are limited per address.
        "PAYLINKS_RATE_LIMIT_PER_MINUTE": str(10**9),
        "PAYLINKS_START_LIMIT_PER_HOUR": str(10**9),
        RUN_JOBS_ENV: {True: "1", False: "0", None: ""}[run_jobs],
    }
    command = server_command(kind, "payments:serve_app", port, factory=True, workers=workers)
    data_dir.mkdir(parents=True, exist_ok=True)
    with stopping([]) as processes:
        processes.append(Process.start("the API", command, env, data_dir / "api.log"))
        base_url = f"http://{HOST}:{port}"
        processes[0].wait_for_http(f"{base_url}/health")
        if workers > 1:
            time.sleep(2)  # every worker up, not only the first to answer
        yield family(processes[0].pid), base_url


# ---------------------------------------------------------------------------- measuring


@dataclass
class Steps:
    """Latencies (seconds) by step, completed payments and failures, for one window."""

    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    completed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    cpu: CpuMeter | None = None

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds else float("nan")


@dataclass(frozen=True)
class Window:
    """When load starts, starts counting and stops (``time.monotonic()``)."""

    measure_from: float
    stop: float


@dataclass
class Budget:
    """The most payments the run may start, so that it is bounded in requests as in time."""

    left: int

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


async def pay(
    connection: Exchange, link_id: str, card: dict[str, Any]
) -> tuple[dict[str, float], str, dict[str, Any] | None]:
    """One customer's payment: view, start, confirm. Returns the steps' latencies, an
    outcome (``succeeded``; ``confirm failed`` when the card is declined; otherwise
    ``<step> <HTTP status or payment status>``) and the problem a refused start answered."""
    times: dict[str, float] = {}
    began = time.perf_counter()
    status, _ = await connection.request("GET", VIEW.format(id=link_id))
    times["view"] = time.perf_counter() - began
    if status != 200:
        return times, f"view {status}", None
    mark = time.perf_counter()
    status, body = await connection.request("POST", START.format(id=link_id), {})
    times["start"] = time.perf_counter() - mark
    if status != 201:
        return times, f"start {status}", _decode(body) if body else None
    payment_id = _decode(body)["id"]
    mark = time.perf_counter()
    status, body = await connection.request("POST", CONFIRM.format(id=payment_id), {"card": card})
    end = time.perf_counter()
    times["confirm"] = end - mark
    times["payment"] = end - began
    if status != 200:
        return times, f"confirm {status}", None
    outcome = _decode(body)["status"]
    return times, ("succeeded" if outcome == "succeeded" else f"confirm {outcome}"), None


async def customers(
    base_url: str,
    link_ids: list[str],
    count: int,
    window: Window,
    budget: Budget,
    into: Steps | None,
    seed: int,
) -> None:
    """``count`` customers paying back to back until ``window.stop``; payments that end
    inside the measured part of the window are added to ``into``."""
    rng = random.Random(seed)

    async def customer(connection: Exchange) -> None:
        while time.monotonic() < window.stop and budget.take():
            try:
                times, outcome, _ = await pay(connection, rng.choice(link_ids), CARD)
            except (ConnectionError, TimeoutError) as error:
                if into is not None:
                    into.errors[type(error).__name__] += 1
                return
            now = time.monotonic()
            if into is None or not window.measure_from <= now < window.stop:
                continue
            for step, seconds in times.items():
                into.latencies[step].append(seconds)
            if outcome == "succeeded":
                into.completed += 1
            else:
                into.errors[outcome] += 1

    connections = await connect(base_url, count)
    try:
        await asyncio.gather(*(customer(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()


async def reads(
    base_url: str, path: str, link_ids: list[str], count: int, seconds: float, seed: int
) -> tuple[list[float], Counter[str]]:
    """``count`` connections sending GETs of ``path`` back to back for ``seconds``."""
    rng = random.Random(seed)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    stop = time.monotonic() + seconds

    async def reader(connection: Exchange) -> None:
        while True:
            began = time.perf_counter()
            status, _ = await connection.request("GET", path.format(id=rng.choice(link_ids)))
            elapsed = time.perf_counter() - began
            if time.monotonic() >= stop:
                return
            latencies.append(elapsed)
            if status != 200:
                errors[str(status)] += 1

    connections = await connect(base_url, count)
    try:
        await asyncio.gather(*(reader(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()
    return latencies, errors


@dataclass
class Reads:
    """One endpoint's reads, summed over the rounds."""

    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    server_cpu: float = 0.0  # CPU seconds of the server process
    others: float = 0.0  # CPU seconds of every process but ours

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The server's CPU milliseconds per request."""
        return self.server_cpu * 1000 / len(self.latencies) if self.latencies else float("nan")

    def measure(
        self, base_url: str, link_ids: list[str], count: int, seconds: float, meter: CpuMeter
    ) -> None:
        """A short warm-up, then one window of ``seconds``, added to the sums."""
        uvloop.run(reads(base_url, self.path, link_ids, count, 0.5, 0))
        meter.start()
        latencies, errors = uvloop.run(reads(base_url, self.path, link_ids, count, seconds, 1))
        meter.stop()
        self.seconds += seconds
        self.latencies += latencies
        self.errors += errors
        self.server_cpu += meter.seconds["server"]
        self.others += meter.seconds["others"]


# ---------------------------------------------------------------------------- the capped link


@dataclass
class CapCheck:
    cap: int
    customers: int
    declining: int
    started: int = 0
    succeeded: int = 0
    declined: int = 0
    retries: int = 0
    turned_away: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    waiting: int = 0  # still waiting for a place when the time ran out
    api_payments_count: int = -1
    api_succeeded: int = -1
    api_status: str = ""
    db_succeeded: int = -1
    db_payments_count: int = -1
    db_slots_held: int = -1
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """PASS: the server's counts agree and equal the cap, and no customer saw more
        successes. INCOMPLETE: fewer, with the time out (not a breach, but not shown).
        FAIL: more than the cap, or counts that disagree."""
        server = {self.api_payments_count, self.api_succeeded, self.db_succeeded,
                  self.db_payments_count}  # fmt: skip
        if len(server) != 1 or self.succeeded > max(server) or max(server) > self.cap:
            return "FAIL"
        return "PASS" if server == {self.cap} else "INCOMPLETE"


async def race_for_cap(base_url: str, link_id: str, check: CapCheck, deadline: float) -> None:
    """Every customer at once; a declined customer goes away (freeing the place), one
    refused while every place is held tries again shortly, until the link closes."""
    rng = random.Random(7)
    cards = [DECLINED_CARD] * check.declining + [CARD] * (check.customers - check.declining)
    rng.shuffle(cards)

    async def customer(connection: Exchange, card: dict[str, Any]) -> None:
        while time.monotonic() < deadline:
            try:
                _, outcome, problem = await pay(connection, link_id, card)
            except (ConnectionError, TimeoutError) as error:
                check.failures[type(error).__name__] += 1
                return
            if outcome == "succeeded" or outcome.startswith("confirm"):
                check.started += 1
            if outcome == "succeeded":
                check.succeeded += 1
                return
            if outcome == "confirm failed":
                check.declined += 1
                return
            code = (problem or {}).get("code", "")
            if outcome == "start 409" and code == "link_unavailable":
                check.retries += 1
                await asyncio.sleep(rng.uniform(0.05, 0.2))
                continue
            if outcome == "start 409":
                check.turned_away[code] += 1
                return
            check.failures[outcome] += 1
            return
        check.waiting += 1

    connections = await connect(base_url, check.customers)
    try:
        await asyncio.gather(
            *(customer(c, card) for c, card in zip(connections, cards, strict=True))
        )
    finally:
        for connection in connections:
            connection.close()


def audit_cap(
    base_url: str, store: Store, link_id: str, check: CapCheck, database_url: str
) -> None:
    """The link's figures as the API shows them to its merchant, and as the database has them."""
    with httpx.Client(base_url=base_url, headers=store.auth, timeout=30) as client:
        link = client.get(f"/v1/payment-links/{link_id}").json()
        check.api_payments_count = link["payments_count"]
        check.api_status = f"{link['status']} ({link['inactive_reason']})"
        succeeded, after = 0, None
        while True:
            params: dict[str, Any] = {"status": "succeeded", "limit": 100}
            if after:
                params["starting_after"] = after
            page = client.get(f"/v1/payment-links/{link_id}/payments", params=params).json()
            succeeded += len(page["data"])
            if not page["has_more"]:
                break
            after = page["data"][-1]["id"]
        check.api_succeeded = succeeded

    async def count() -> tuple[int, dict[str, Any] | None]:
        rows = await PaymentTable.count().where(
            (PaymentTable.payment_link_id == link_id) & (PaymentTable.status == "succeeded")
        )
        row = (
            await PaymentLinkTable.select(
                PaymentLinkTable.payments_count, PaymentLinkTable.slots_held
            )
            .where(PaymentLinkTable.id == link_id)
            .first()
        )
        return rows, row

    check.db_succeeded, row = on_database(database_url, count)
    if row is not None:
        check.db_payments_count, check.db_slots_held = row["payments_count"], row["slots_held"]


# ---------------------------------------------------------------------------- a backend


@dataclass(frozen=True)
class Load:
    customers: int
    seconds: float
    warmup: float
    links: int
    view_seconds: float
    rounds: int
    cap: int
    cap_customers: int
    decline_share: float
    cap_seconds: float
    max_payments: int
    pg_run_jobs: bool
    workers: int
    server: str = "uvicorn"


@dataclass
class BackendRun:
    backend: Backend
    run_jobs: bool
    payments: Steps
    view: Reads
    floor: Reads
    cap: CapCheck


def run_backend(backend: Backend, load: Load, logs: Path) -> BackendRun:
    postgres = backend is Backend.POSTGRES
    run_jobs = load.pg_run_jobs if postgres else True
    step = f"[bold]{backend}[/]"
    workdir = logs / str(backend)
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("payments.sqlite3*"):  # from an earlier run with the same --logs
        old.unlink()
    with database(backend, workdir, "payments") as url:
        # On SQLite the app would migrate at start, as `paylinks up` does; done here first so
        # that two --workers do not both migrate.
        on_database(url, migrate)
        with server(url, workdir, run_jobs if postgres else None, load.workers, load.server) as (
            pids,
            base_url,
        ):
            store = setup_store(base_url)
            link_ids = create_links(base_url, store, load.links)
            capped = create_links(base_url, store, 1, max_payments=load.cap)[0]
            out.print(f"{step}: store and {load.links} links ready; jobs in the API: {run_jobs}")
            groups: dict[str, list[int] | str] = {"server": pids}
            if postgres:
                groups["postgres"] = "postgres"

            view, floor_ = Reads(VIEW), Reads(FLOOR)
            for number in range(1, load.rounds + 1):
                out.print(f"{step}: public view beside the floor, round {number} of {load.rounds}")
                for reads_ in (floor_, view):
                    reads_.measure(
                        base_url, link_ids, load.customers, load.view_seconds, CpuMeter(groups)
                    )

            out.print(f"{step}: {load.customers} customers paying for "
                      f"{load.warmup:g} + {load.seconds:g} s")  # fmt: skip
            budget = Budget(load.max_payments)
            steps = Steps(seconds=load.seconds, cpu=CpuMeter(groups))

            async def paying() -> None:
                start = time.monotonic()
                window = Window(start + load.warmup, start + load.warmup + load.seconds)

                async def measure_cpu() -> None:
                    assert steps.cpu is not None
                    await asyncio.sleep(load.warmup)
                    steps.cpu.start()
                    await asyncio.sleep(load.seconds)
                    steps.cpu.stop()

                await asyncio.gather(
                    measure_cpu(),
                    customers(base_url, link_ids, load.customers, window, budget, steps, 1),
                )

            uvloop.run(paying())
            if budget.left < 0:
                out.print("[yellow]--max-payments reached: the window was cut short[/]")
                steps.seconds = 0.0

            out.print(f"{step}: {load.cap_customers} customers race for a link capped at "
                      f"{load.cap}, beside {load.customers} paying customers")  # fmt: skip
            check = CapCheck(
                load.cap, load.cap_customers, round(load.cap_customers * load.decline_share)
            )

            async def racing() -> None:
                start = time.monotonic()
                deadline = start + load.cap_seconds
                background = asyncio.create_task(
                    customers(
                        base_url, link_ids, load.customers, Window(deadline, deadline),
                        Budget(load.max_payments), None, 2,
                    )
                )  # fmt: skip
                await asyncio.sleep(0.5)  # the paying customers under way first
                await race_for_cap(base_url, capped, check, deadline)
                check.seconds = time.monotonic() - start
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background

            uvloop.run(racing())
            audit_cap(base_url, store, capped, check, url)
        return BackendRun(backend, run_jobs, steps, view, floor_, check)


# ---------------------------------------------------------------------------- the report


def _met(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]NOT met[/]"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _p50_p99(latencies: list[float]) -> str:
    return f"{_ms(percentile(latencies, 50))} / {_ms(percentile(latencies, 99))}"


def _errors(errors: Counter[str]) -> str:
    return ", ".join(f"{n}x {what}" for what, n in sorted(errors.items())) or "0"


def _cpu_ms(meter: CpuMeter | None, count: int, group: str) -> str:
    if meter is None or group not in meter.seconds:
        return "-"
    return f"{meter.per(count, group):.2f}"


def _tail(latencies: list[float]) -> float:
    return percentile(latencies, 99) / percentile(latencies, 50)


def same_run_ratios(runs: list[BackendRun]) -> bool:
    """SQLite beside PostgreSQL in this run: the ratio of their payments/s (the figure that
    holds on a busy machine, where both lose alike) and each one's p99 ÷ p50 by step."""
    by_backend = {run.backend: run.payments for run in runs}
    table = Table(title="Same run: SQLite beside PostgreSQL, and each one's tail (p99 ÷ p50)")
    table.add_column("backend")
    for step in TAIL_STEPS:
        table.add_column(f"{step} p99 ÷ p50", justify="right")
    table.add_column("target")
    table.add_column("payments/s ÷ PostgreSQL's", justify="right")
    table.add_column("target")
    all_met = True
    for backend, steps in by_backend.items():
        tails = [_tail(steps.latencies[step]) for step in TAIL_STEPS]
        tail_target = ratio_target = ratio = ""
        if backend is Backend.SQLITE:
            ok = all(tail <= TAIL_TARGET for tail in tails)
            all_met &= ok
            tail_target = f"≤ {TAIL_TARGET:g} {_met(ok)}"
            if Backend.POSTGRES in by_backend:
                share = steps.rate / by_backend[Backend.POSTGRES].rate
                all_met &= share >= SQLITE_TARGET
                ratio = f"{share:.2f}"
                ratio_target = f"≥ {SQLITE_TARGET:g} {_met(share >= SQLITE_TARGET)}"
        table.add_row(str(backend), *(f"{t:.1f}" for t in tails), tail_target, ratio,
                      ratio_target)  # fmt: skip
    out.print(table)
    return all_met


def report(runs: list[BackendRun], load: Load) -> bool:
    all_met = True
    payments = Table(
        title=f"Payments: {load.customers} customers paying back to back for {load.seconds:g} s "
        f"(after {load.warmup:g} s warm-up), sandbox gateway, {load.links} links"
    )
    payments.add_column("backend")
    payments.add_column("API processes / jobs in them")
    payments.add_column("payments/s", justify="right")
    payments.add_column("target")
    for s in STEPS:
        payments.add_column(f"{s} p50 / p99 ms", justify="right")
    payments.add_column("errors", justify="right")
    payments.add_column("CPU ms per payment: server / postgres", justify="right")
    payments.add_column("CPU cores: server / postgres / client / others", justify="right")
    for run in runs:
        steps = run.payments
        target = ""
        if run.backend is Backend.POSTGRES:
            ok = steps.rate >= RATE_TARGET
            all_met &= ok
            target = f"≥ {RATE_TARGET:g} {_met(ok)}"
        all_met &= not steps.errors
        meter = steps.cpu
        cores = meter.cores if meter else {}
        payments.add_row(
            str(run.backend),
            f"{load.workers} / {'yes' if run.run_jobs else 'no'}",
            f"{steps.rate:,.1f}",
            target,
            *(_p50_p99(steps.latencies[s]) for s in STEPS),
            _errors(steps.errors),
            f"{_cpu_ms(meter, steps.completed, 'server')} / "
            f"{_cpu_ms(meter, steps.completed, 'postgres')}",
            " / ".join(
                f"{cores[g]:.2f}" if g in cores else "-"
                for g in ("server", "postgres", "client", "others")
            ),
        )
    out.print(payments)
    all_met &= same_run_ratios(runs)

    views = Table(
        title=f"Public link view beside its floor: {load.customers} connections, "
        f"{load.rounds} rounds of {load.view_seconds:g} s each"
    )
    views.add_column("backend")
    for column in ("floor req/s", "floor p50 / p99 ms", "view req/s", "view p50 / p99 ms",
                   "÷ floor", "server CPU ms/req: floor / view"):  # fmt: skip
        views.add_column(column, justify="right")
    views.add_column("target")
    views.add_column("errors", justify="right")
    views.add_column("others, cores", justify="right")
    for run in runs:
        ratio = run.view.rps / run.floor.rps
        ok = ratio >= FLOOR_TARGET and not run.view.errors and not run.floor.errors
        all_met &= ok
        others = (run.view.others + run.floor.others) / (run.view.seconds + run.floor.seconds)
        views.add_row(
            str(run.backend),
            f"{run.floor.rps:,.0f}",
            _p50_p99(run.floor.latencies),
            f"{run.view.rps:,.0f}",
            _p50_p99(run.view.latencies),
            f"{ratio:.2f}",
            f"{run.floor.cpu_ms:.2f} / {run.view.cpu_ms:.2f}",
            f"≥ {FLOOR_TARGET:g} {_met(ok)}",
            _errors(run.floor.errors + run.view.errors),
            f"{others:.2f}",
        )
    out.print(views)

    caps = Table(
        title=f"Capacity invariant under load: {load.cap_customers} customers at once for a link "
        f"capped at {load.cap} ({load.decline_share:.0%} declined), beside "
        f"{load.customers} paying customers"
    )
    caps.add_column("backend")
    for column in ("started", "succeeded", "declined", "retries", "turned away",
                   "API count / succeeded", "DB succeeded / count / held", "seconds"):  # fmt: skip
        caps.add_column(column, justify="right")
    caps.add_column("link")
    caps.add_column("errors")
    caps.add_column("result")
    for run in runs:
        c = run.cap
        all_met &= c.verdict == "PASS"
        colour = {"PASS": "green", "INCOMPLETE": "yellow"}.get(c.verdict, "red")
        caps.add_row(
            str(run.backend),
            str(c.started),
            str(c.succeeded),
            str(c.declined),
            str(c.retries),
            _errors(c.turned_away) + (f", {c.waiting} still waiting" if c.waiting else ""),
            f"{c.api_payments_count} / {c.api_succeeded}",
            f"{c.db_succeeded} / {c.db_payments_count} / {c.db_slots_held}",
            f"{c.seconds:.1f}",
            c.api_status,
            _errors(c.failures),
            f"[{colour}]{c.verdict}[/]",
        )
    out.print(caps)
    out.print(
        "Steps: view = GET /v1/checkout/links/{id}; start = POST …/payments (201); confirm = "
        "POST /v1/checkout/payments/{id}/confirm with the test card; payment = the three in "
        "a row. A payment counts when its confirmation answered 'succeeded' inside the window. "
        "Capacity: PASS when the API's and the database's counts of the capped link's "
        "successes all equal the cap (and no customer saw more); 'held' is slots still held "
        "by payments under way (a customer whose request timed out may leave one)."
    )
    out.print(cpu_note())
    return all_met


# ---------------------------------------------------------------------------- the command


def main(
    backend: Annotated[Backend, typer.Option(help="Which database to measure")] = Backend.BOTH,
    customers: Annotated[int, typer.Option(min=1, help="Concurrent customers")] = 32,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds of paying")] = 10.0,
    warmup: Annotated[float, typer.Option(min=0, help="Warm-up seconds, not counted")] = 2.0,
    links: Annotated[int, typer.Option(min=1, help="Links the customers pick from")] = 100,
    view_seconds: Annotated[
        float, typer.Option(min=0.5, help="Seconds per view and per floor window")
    ] = 3.0,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of view and floor windows")] = 3,
    cap: Annotated[int, typer.Option(min=1, help="max_payments of the capped link")] = 100,
    cap_customers: Annotated[int, typer.Option(min=1, help="Customers racing for it")] = 200,
    decline_share: Annotated[
        float, typer.Option(min=0, max=0.9, help="Share of them whose card is declined")
    ] = 0.2,
    cap_seconds: Annotated[float, typer.Option(min=1, help="Time limit of the race")] = 30.0,
    max_payments: Annotated[
        int, typer.Option(min=1, help="Payments at most per paying phase (request bound)")
    ] = 20_000,
    pg_run_jobs: Annotated[
        bool, typer.Option(help="On PostgreSQL, run the jobs in the API (no pool) too")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=4, help="uvicorn worker processes of the API")
    ] = 1,
    server: Annotated[str, typer.Option(help="The ASGI server: uvicorn or granian")] = "uvicorn",
    logs: Annotated[
        Path | None, typer.Option(help="Keep the servers' logs here (default: a temporary dir)")
    ] = None,
) -> None:
    """Completed payments/s and p50/p99 of each step with the sandbox gateway, the public
    link view beside its floor, and the capacity invariant under load."""
    _quiet()
    load = Load(
        customers, seconds, warmup, links, view_seconds, rounds, cap, cap_customers,
        decline_share, cap_seconds, max_payments, pg_run_jobs, workers, server,
    )  # fmt: skip
    backends = [Backend.SQLITE, Backend.POSTGRES] if backend is Backend.BOTH else [backend]
    with contextlib.ExitStack() as stack:
        if logs is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paylinks-bench-")))
        runs = [run_backend(b, load, logs) for b in backends]
    met = report(runs, load)
    out.print("All targets met." if met else "[red]Not every target is met, or requests failed.[/]")


if __name__ == "__main__":
    typer.run(main)
