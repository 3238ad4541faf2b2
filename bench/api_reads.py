"""Read throughput and latency of the API, each beside a floor, on SQLite and PostgreSQL.

Run by hand, never by the tests (see bench/README.md):

    uv run python bench/api_reads.py --backend both

For each backend it loads one store with ``--links`` payment links, serves the real app
with uvicorn (one worker, in a subprocess) and drives it from client processes on the
same machine, all on 127.0.0.1. Every endpoint of ``ENDPOINTS`` is measured beside the
floor: the same server answering a bare route that does the same primary-key select and
encodes the row, so that the ratio is what the app's own layers (auth, DI, domain
Structs, views) cost on top of the database round trip and the HTTP stack. The list
endpoint is measured on the same store at ``SMALL_STORE`` links and again at ``--links``.
"""

import asyncio
import contextlib
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Annotated, Any, TypeVar

import asyncpg
import httpx
import msgspec
import typer
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from rich.console import Console
from rich.table import Table

from paylinks.db import engine as db
from paylinks.db.migrate import migrate
from paylinks.ids import Prefix, new_id
from paylinks.links.model import CustomerFields, ThankYou
from paylinks.links.tables import PaymentLinkTable
from paylinks.secrets import Cipher
from paylinks.settings import load_settings
from paylinks.stores import service as stores
from paylinks.stores.model import Gateway
from paylinks_api.app import create_app

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    """One read to measure. ``path`` holds ``{id}`` where a link id goes."""

    path: str
    authenticated: bool
    # The least acceptable throughput as a fraction of the floor's; None: no target yet.
    floor_target: float | None = None

    @property
    def name(self) -> str:
        return f"GET {self.path}"

    @property
    def shape(self) -> str:
        return _shape(self.path)


# The reads measured beside the floor. To measure another one, add it here: an endpoint the
# app does not serve yet is reported as such and skipped, so a planned one can wait here.
ENDPOINTS = [
    Endpoint("/v1/payment-links/{id}", authenticated=True, floor_target=0.6),
    Endpoint("/v1/checkout/links/{id}", authenticated=False),
]
FLOOR = Endpoint("/bench/floor/{id}", authenticated=False)
LIST = Endpoint("/v1/payment-links", authenticated=True)
SMALL_STORE = 100
LIST_TARGET = 2.0  # list p50 at --links over list p50 at SMALL_STORE, at most
LOAD_BATCH = 1000
ID_SAMPLE = 20_000  # link ids the clients pick from at random, so reads spread over the table
POSTGRES_ADMIN_URL = os.environ.get(
    "PAYLINKS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
POSTGRES_DATABASE = "paylinks_bench"
SECRET_KEY = "bench-secret-key-" + "x" * 32
HOST = "127.0.0.1"

out = Console()


def _shape(path: str) -> str:
    """A path with its parameters blanked: ``/a/{link_id:str}`` and ``/a/{id}`` match."""
    return re.sub(r"\{[^}]*\}", "{}", path)


# ---------------------------------------------------------------------------- the server

_LINK_COLUMNS = PaymentLinkTable._meta.columns


@get("/bench/floor/{link_id:str}", include_in_schema=False)
async def floor(link_id: FromPath[str]) -> dict[str, Any]:
    """The floor: the primary-key select of every column, the row encoded as it comes."""
    row = await PaymentLinkTable.select(*_LINK_COLUMNS).where(PaymentLinkTable.id == link_id).first()
    if row is None:
        raise NotFoundException()
    return row


def serve_app() -> Litestar:
    """What the server subprocess runs (``uvicorn --factory``), with settings from its env."""
    return create_app(load_settings(env_file=None), auto_migrate=False, route_handlers=[floor])


def _served_shapes() -> set[str]:
    """The GET routes this build of the app serves (built here only to look at its routes)."""
    settings = load_settings(
        {"PAYLINKS_DATABASE_URL": "sqlite:////nonexistent.sqlite3", "PAYLINKS_SECRET_KEY": SECRET_KEY},
        env_file=None,
    )
    app = create_app(settings, auto_migrate=False, route_handlers=[floor])
    return {_shape(route.path) for route in app.routes if "GET" in getattr(route, "methods", ())}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(env: dict[str, str]) -> Iterator["Server"]:
    """The app under uvicorn (uvloop, httptools), one worker, no access log."""
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "api_reads:serve_app",
        "--app-dir", str(Path(__file__).parent), "--host", HOST, "--port", str(port),
        "--workers", "1", "--log-level", "warning", "--no-access-log", "--no-server-header",
    ]  # fmt: skip
    process = subprocess.Popen(command, env={**os.environ, **env})
    base_url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 30 s")
            time.sleep(0.1)
        yield Server(base_url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int


# ---------------------------------------------------------------------------- the data


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"
    BOTH = "both"


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def database(backend: Backend, workdir: Path) -> Iterator[str]:
    """A fresh, empty database; a PostgreSQL one is dropped at the end."""
    if backend is Backend.SQLITE:
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{POSTGRES_DATABASE}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))


def on_database(url: str, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` with the tables bound to a fresh engine on ``url`` (its own event loop)."""

    async def run() -> T:
        engine = db.make_engine(url)
        db.bind(engine)
        await db.start(engine)
        try:
            return await work()
        finally:
            await db.stop(engine)

    return asyncio.run(run())


@dataclass
class Store:
    store_id: str
    api_key: str
    currency: str
    link_ids: list[str] = field(default_factory=list)


async def create_store() -> Store:
    await migrate()
    now = datetime.now(UTC)
    new = await stores.create_store("Bench Coffee", "GBP", "bench@example.com", "bench password 1", now)
    await stores.activate_payments(new.store.id, Gateway.SANDBOX, Cipher(SECRET_KEY), now)
    return Store(new.store.id, new.api_key_secret, new.store.currency)


_CUSTOMER_FIELDS = msgspec.json.encode(CustomerFields()).decode()
_THANK_YOU = msgspec.json.encode(ThankYou()).decode()


def _link(store: Store, n: int, created_at: datetime) -> PaymentLinkTable:
    """A link as ``links.repository.insert`` writes it, with some variety in the optional
    fields so that rows are of a realistic size."""
    reusable = n % 3 == 0
    return PaymentLinkTable(
        id=new_id(Prefix.LINK),
        store_id=store.store_id,
        venue_id=None,
        title=f"Espresso beans, batch {n}",
        description="Single-origin beans, roasted this week." if n % 2 else None,
        reference=f"INV-{n:06d}" if n % 4 else None,
        type="reusable" if reusable else "one_off",
        amount_type="fixed",
        currency=store.currency,
        amount=500 + n % 5000,
        min_amount=None,
        max_amount=None,
        max_payments=100 if reusable and n % 2 else None,
        expires_at=created_at + timedelta(days=365) if n % 5 == 0 else None,
        image_id=None,
        customer_fields=_CUSTOMER_FIELDS,
        after_payment=_THANK_YOU,
        metadata='{"order":"%d"}' % n if n % 2 else "{}",
        inactive_reason=None,
        payments_count=0,
        amount_collected=0,
        amount_refunded=0,
        created_at=created_at,
        deactivated_at=None,
    )



async def add_links(store: Store, total: int) -> None:
    """Insert rows directly, in batches, until the store has ``total`` links."""
    now = datetime.now(UTC)
    while len(store.link_ids) < total:
        batch = [
            _link(store, n, now)
            for n in range(len(store.link_ids), min(total, len(store.link_ids) + LOAD_BATCH))
        ]
        await PaymentLinkTable.insert(*batch)
        store.link_ids.extend(row.id for row in batch)
    engine = db.bound_engine()
    # What autovacuum (PostgreSQL) keeps up to date on a live database after a bulk load.
    if engine.engine_type == "postgres":
        await engine.run_ddl("ANALYZE")


# ---------------------------------------------------------------------------- the load


@dataclass(frozen=True)
class Load:
    concurrency: int
    warmup: float
    seconds: float
    clients: int


class ClientReport(msgspec.Struct):
    latencies: list[float]
    errors: dict[int, int]
    cpu_seconds: float


def _client(
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
    start_at: float,
    warmup: float,
    seconds: float,
    seed: int,
) -> bytes:
    """One client process: ``concurrency`` keep-alive connections, each sending requests
    back to back; it reports the requests that completed inside the measured window."""
    report = asyncio.run(
        _drive(base_url, paths, headers, concurrency, start_at, warmup, seconds, seed)
    )
    return msgspec.msgpack.encode(report)


async def _drive(
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
    start_at: float,
    warmup: float,
    seconds: float,
    seed: int,
) -> ClientReport:
    rng = random.Random(seed)
    measure_from = start_at + warmup
    stop_at = measure_from + seconds
    latencies: list[float] = []
    errors: dict[int, int] = {}
    cpu: list[float] = []

    async def user(client: httpx.AsyncClient) -> None:
        while True:
            path = rng.choice(paths)
            began = time.perf_counter()
            response = await client.get(path)
            elapsed = time.perf_counter() - began
            now = time.time()
            if now >= stop_at:
                return
            if now >= measure_from:
                latencies.append(elapsed)
                if response.status_code != 200:
                    errors[response.status_code] = errors.get(response.status_code, 0) + 1

    async def cpu_clock() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.time()))
        cpu.append(time.process_time())
        await asyncio.sleep(max(0.0, stop_at - time.time()))
        cpu.append(time.process_time())

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=60
    ) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(cpu_clock(), *(user(client) for _ in range(concurrency)))
    return ClientReport(latencies, errors, cpu[1] - cpu[0])


def _ready(_: int) -> None:
    time.sleep(0.2)


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


@dataclass(frozen=True)
class Measurement:
    endpoint: Endpoint
    links: int
    seconds: float
    latencies: list[float]  # sorted, in seconds
    errors: dict[int, int]
    cpu_server: float  # fractions of one core over the window
    cpu_clients: float
    cpu_database: float | None

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, round(p / 100 * (len(self.latencies) - 1)))
        return self.latencies[index] * 1000


def measure(
    pool: Pool,
    server: Server,
    endpoint: Endpoint,
    store: Store,
    links: int,
    load: Load,
    postgres: bool,
) -> Measurement:
    sample = random.Random(links).sample(store.link_ids, min(ID_SAMPLE, len(store.link_ids)))
    paths = [endpoint.path.format(id=link_id) for link_id in sample]
    headers = {"Authorization": f"Bearer {store.api_key}"} if endpoint.authenticated else {}
    shares = [load.concurrency // load.clients] * load.clients
    for i in range(load.concurrency % load.clients):
        shares[i] += 1
    start_at = time.time() + 0.5
    measure_from = start_at + load.warmup
    stop_at = measure_from + load.seconds
    pending = [
        pool.apply_async(
            _client,
            (server.base_url, paths, headers, share, start_at, load.warmup, load.seconds, seed),
        )
        for seed, share in enumerate(shares)
        if share
    ]
    db_pids = _postgres_pids() if postgres else []

    def cpu_now() -> tuple[float, float]:
        return _cpu_seconds(server.pid), sum(_cpu_seconds(pid) for pid in db_pids)

    time.sleep(max(0.0, measure_from - time.time()))
    server0, db0 = cpu_now()
    time.sleep(max(0.0, stop_at - time.time()))
    server1, db1 = cpu_now()
    reports = [msgspec.msgpack.decode(p.get(), type=ClientReport) for p in pending]
    errors: dict[int, int] = {}
    for report in reports:
        for status, count in report.errors.items():
            errors[status] = errors.get(status, 0) + count
    return Measurement(
        endpoint=endpoint,
        links=links,
        seconds=load.seconds,
        latencies=sorted(x for report in reports for x in report.latencies),
        errors=errors,
        cpu_server=(server1 - server0) / load.seconds,
        cpu_clients=sum(report.cpu_seconds for report in reports) / load.seconds,
        cpu_database=(db1 - db0) / load.seconds if postgres else None,
    )


# ---------------------------------------------------------------------------- one backend


@dataclass
class BackendRun:
    backend: Backend
    floor: Measurement
    reads: list[Measurement]
    list_small: Measurement
    list_large: Measurement
    skipped: list[Endpoint]


def run_backend(backend: Backend, links: int, load: Load, pool: Pool) -> BackendRun:
    served = _served_shapes()
    endpoints = [e for e in ENDPOINTS if e.shape in served]
    skipped = [e for e in ENDPOINTS if e.shape not in served]
    postgres = backend is Backend.POSTGRES
    with tempfile.TemporaryDirectory(prefix="paylinks-bench-") as tmp, database(
        backend, Path(tmp)
    ) as url:
        env = {
            "PAYLINKS_DATABASE_URL": url,
            "PAYLINKS_DATA_DIR": str(Path(tmp) / "data"),
            "PAYLINKS_SECRET_KEY": SECRET_KEY,
            # The public routes are limited per client address; the bench is one address.
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": str(10**9),
        }
        store = on_database(url, create_store)
        on_database(url, lambda: add_links(store, SMALL_STORE))
        with server(env) as srv:
            step = f"[bold]{backend}[/]"
            out.print(f"{step}: list at {SMALL_STORE} links")
            list_small = measure(pool, srv, LIST, store, SMALL_STORE, load, postgres)
            began = time.monotonic()
            on_database(url, lambda: add_links(store, links))
            out.print(f"{step}: loaded {links:,} links in {time.monotonic() - began:.1f} s")
            out.print(f"{step}: floor")
            floor_m = measure(pool, srv, FLOOR, store, links, load, postgres)
            reads = []
            for endpoint in endpoints:
                out.print(f"{step}: {endpoint.name}")
                reads.append(measure(pool, srv, endpoint, store, links, load, postgres))
            out.print(f"{step}: list at {links:,} links")
            list_large = measure(pool, srv, LIST, store, links, load, postgres)
    return BackendRun(backend, floor_m, reads, list_small, list_large, skipped)


# ---------------------------------------------------------------------------- the report


def _met(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]NOT met[/]"


def _cpu(m: Measurement) -> str:
    database_share = "" if m.cpu_database is None else f" / {m.cpu_database:.0%}"
    return f"{m.cpu_server:.0%} / {m.cpu_clients:.0%}{database_share}"


def _errors(m: Measurement) -> str:
    return ", ".join(f"{n}×{status}" for status, n in sorted(m.errors.items())) or "0"


def report(runs: list[BackendRun], load: Load) -> bool:
    reads = Table(
        title=f"Reads: {load.concurrency} concurrent, {load.seconds:g} s each after "
        f"{load.warmup:g} s warm-up, {load.clients} client process(es)"
    )
    for column in ("backend", "endpoint", "links"):
        reads.add_column(column)
    for column in ("req/s", "p50 ms", "p99 ms", "÷ floor"):
        reads.add_column(column, justify="right")
    reads.add_column("target")
    reads.add_column("errors", justify="right")
    reads.add_column("CPU server / clients / db", justify="right")
    all_met = True
    for run in runs:
        for m in [run.floor, *run.reads, run.list_small, run.list_large]:
            ratio, target = "", ""
            if m is not run.floor and m.endpoint is not LIST:
                ratio = f"{m.rps / run.floor.rps:.2f}"
                if m.endpoint.floor_target is not None:
                    ok = m.rps / run.floor.rps >= m.endpoint.floor_target
                    all_met &= ok
                    target = f"≥ {m.endpoint.floor_target:g} {_met(ok)}"
            all_met &= not m.errors
            reads.add_row(
                str(run.backend),
                "floor (bare PK select)" if m is run.floor else m.endpoint.name,
                f"{m.links:,}",
                f"{m.rps:,.0f}",
                f"{m.percentile(50):.2f}",
                f"{m.percentile(99):.2f}",
                ratio,
                target,
                _errors(m),
                _cpu(m),
            )
        reads.add_section()
    out.print(reads)

    lists = Table(title=f"{LIST.name}: p50 by store size (target ≤ {LIST_TARGET:g}×)")
    lists.add_column("backend")
    for column in (f"p50 ms at {SMALL_STORE}", "p50 ms at large", "large ÷ small"):
        lists.add_column(column, justify="right")
    lists.add_column("target")
    for run in runs:
        ratio = run.list_large.percentile(50) / run.list_small.percentile(50)
        ok = ratio <= LIST_TARGET
        all_met &= ok
        lists.add_row(
            str(run.backend),
            f"{run.list_small.percentile(50):.2f}",
            f"{run.list_large.percentile(50):.2f} ({run.list_large.links:,})",
            f"{ratio:.2f}",
            _met(ok),
        )
    out.print(lists)

    skipped = {e.name for run in runs for e in run.skipped}
    if skipped:
        out.print(f"Not served by this build yet, skipped: {', '.join(sorted(skipped))}")
    out.print(
        "CPU is the share of one core used during the window (the machine has "
        f"{os.cpu_count()}); a server near 100% is the limit, else the client or database is."
    )
    return all_met


# ---------------------------------------------------------------------------- the command


def main(
    backend: Annotated[Backend, typer.Option(help="Which database to measure")] = Backend.BOTH,
    links: Annotated[int, typer.Option(min=SMALL_STORE, help="Links in the store")] = 100_000,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds per row")] = 10.0,
    warmup: Annotated[float, typer.Option(min=0, help="Warm-up seconds per row")] = 2.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight")] = 16,
    clients: Annotated[int, typer.Option(min=1, help="Client processes sharing them")] = 1,
) -> None:
    """Requests/s and p50/p99 of the API's reads beside the floor, and the list's p50 by
    store size, on SQLite and PostgreSQL."""
    load = Load(concurrency=concurrency, warmup=warmup, seconds=seconds, clients=clients)
    backends = [Backend.SQLITE, Backend.POSTGRES] if backend is Backend.BOTH else [backend]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.map(_ready, range(clients * 2), chunksize=1)
        runs = [run_backend(b, links, load, pool) for b in backends]
    all_met = report(runs, load)
    out.print("All targets met." if all_met else "[red]Some targets are not met.[/]")


if __name__ == "__main__":
    typer.run(main)
