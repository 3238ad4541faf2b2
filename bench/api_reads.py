"""Read throughput and latency of the API, each beside a floor, on SQLite and PostgreSQL.

Run by hand, never by the tests (see bench/README.md):

    uv run python bench/api_reads.py --backend both

For each backend it makes two databases, each with one store: a small one with
``SMALL_STORE`` payment links and a large one with ``--links``. Each is served by the real
app under uvicorn (one worker, in a subprocess) and driven from client processes on the
same machine, all on 127.0.0.1. Every endpoint of ``ENDPOINTS`` is measured on the large
store beside the floor: the same server answering a bare route that does the same
primary-key select and encodes the row, so that the ratio is what the app's own layers
(auth, DI, domain Structs, views) cost on top of the database round trip and the HTTP
stack. The list endpoint is measured on both stores. Measurements run in rounds that
interleave every row, so that a change in the machine's load mid-run hits all rows alike.
"""

import asyncio
import contextlib
import logging
import multiprocessing
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import asyncpg
import httptools
import httpx
import msgspec
import typer
import uvloop
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from rich.console import Console
from rich.table import Table

from paylinks.db import engine as db
from paylinks.db.migrate import migrate
from paylinks.ids import Prefix, new_id
from paylinks.links.model import AmountType, CustomerFields, LinkType, ThankYou, link_capacity
from paylinks.links.tables import PaymentLinkTable
from paylinks.secrets import Cipher
from paylinks.settings import load_settings
from paylinks.stores import service as stores
from paylinks.stores.model import Gateway
from paylinks_cli.compose import create_app

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


# The reads measured beside the floor. To measure another one, add it here: an endpoint
# that this build of the app does not serve is reported and skipped, so a planned one can
# wait here until its route exists.
ENDPOINTS = [
    Endpoint("/v1/payment-links/{id}", authenticated=True, floor_target=0.6),
    Endpoint("/v1/checkout/links/{id}", authenticated=False),
]
FLOOR = Endpoint("/bench/floor/{id}", authenticated=False)
LIST = Endpoint("/v1/payment-links", authenticated=True)
SMALL_STORE = 100
LIST_TARGET = 1.3  # list p50 at --links over list p50 at SMALL_STORE, at most (issue #16)
ID_SAMPLE = 20_000  # link ids the clients pick from at random, so reads spread over the table
POSTGRES_ADMIN_URL = os.environ.get(
    "PAYLINKS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
#: Databases of the run are named ``<prefix>_<name>``: a prefix of your own keeps two benches
#: run at the same time on one PostgreSQL (by two people) from dropping each other's.
POSTGRES_PREFIX = os.environ.get("PAYLINKS_BENCH_DB_PREFIX", "paylinks_bench")
SECRET_KEY = "bench-secret-key-" + "x" * 32
HOST = "127.0.0.1"
STARTUP_SECONDS = 120  # importing the app takes ~7 s of CPU, 40 s on a busy 2-core machine

# Wide enough for the tables when the output goes to a file or a pipe.
out = Console(width=None if sys.stdout.isatty() else 180)


def _quiet() -> None:
    """Piccolo, httpx and MCP log engine starts and requests at INFO; the tables are the point."""
    for name in ("piccolo", "httpx", "mcp"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _shape(path: str) -> str:
    """A path with its parameters blanked: ``/a/{link_id:str}`` and ``/a/{id}`` match."""
    return re.sub(r"\{[^}]*\}", "{}", path)


# ---------------------------------------------------------------------------- the server

_LINK_COLUMNS = PaymentLinkTable._meta.columns


@get("/bench/floor/{link_id:str}", include_in_schema=False)
async def floor(link_id: FromPath[str]) -> dict[str, Any]:
    """The floor: the primary-key select of every column, the row encoded as it comes."""
    row = (
        await PaymentLinkTable.select(*_LINK_COLUMNS).where(PaymentLinkTable.id == link_id).first()
    )
    if row is None:
        raise NotFoundException()
    return cast(dict[str, Any], row)


def serve_app() -> Litestar:
    """What the server subprocess runs (``uvicorn --factory``), with settings from its env.

    The API alone, as production runs it: the background jobs belong to worker processes
    (``run_jobs=False``), so that on PostgreSQL the API keeps its connection pool.
    """
    _quiet()
    app: Litestar = create_app(
        load_settings(env_file=None), auto_migrate=False, run_jobs=False, route_handlers=[floor]
    )
    return app


def served(endpoints: list[Endpoint]) -> list[Endpoint]:
    """Those of ``endpoints`` whose GET route this build of the app has (the app is only
    built here, to look at its routes)."""
    settings = load_settings(
        {"PAYLINKS_DATABASE_URL": "sqlite:////unused.sqlite3", "PAYLINKS_SECRET_KEY": SECRET_KEY},
        env_file=None,
    )
    app = create_app(settings, auto_migrate=False, run_jobs=False, route_handlers=[floor])
    shapes = {_shape(route.path) for route in app.routes if "GET" in getattr(route, "methods", ())}
    return [e for e in endpoints if _shape(e.path) in shapes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int
    database_url: str


@contextlib.contextmanager
def server(database_url: str, data_dir: Path) -> Iterator[Server]:
    """The app under uvicorn (uvloop, httptools), one worker, no access log."""
    port = _free_port()
    env = {
        **os.environ,
        "PAYLINKS_DATABASE_URL": database_url,
        "PAYLINKS_DATA_DIR": str(data_dir),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        # Public routes are limited per client address, and the bench is one address.
        "PAYLINKS_RATE_LIMIT_PER_MINUTE": str(10**9),
        "PAYLINKS_START_LIMIT_PER_HOUR": str(10**9),
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "api_reads:serve_app",
        "--app-dir", str(Path(__file__).parent), "--host", HOST, "--port", str(port),
        "--workers", "1", "--log-level", "warning", "--no-access-log", "--no-server-header",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    base_url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer /health in {STARTUP_SECONDS} s")
            time.sleep(0.1)
        yield Server(base_url, process.pid, database_url)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
def database(backend: Backend, workdir: Path, name: str) -> Iterator[str]:
    """A fresh, empty database; a PostgreSQL one is dropped at the end."""
    if backend is Backend.SQLITE:
        yield f"sqlite:///{workdir / f'{name}.sqlite3'}"
        return
    database_name = f"{POSTGRES_PREFIX}_{name}"
    drop = f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'
    asyncio.run(_admin(drop))
    asyncio.run(_admin(f'CREATE DATABASE "{database_name}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{database_name}"
    finally:
        asyncio.run(_admin(drop))


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


async def _create_store() -> Store:
    await migrate()
    now = datetime.now(UTC)
    new = await stores.create_store("Bench Coffee", "GBP", "bench@example.com", "bench pass 1", now)
    await stores.activate_payments(new.store.id, Gateway.SANDBOX, Cipher(SECRET_KEY), now)
    return Store(new.store.id, new.api_key_secret, new.store.currency)


_COLUMN_NAMES = [column._meta.db_column_name for column in _LINK_COLUMNS]
_CUSTOMER_FIELDS = msgspec.json.encode(CustomerFields()).decode()
_THANK_YOU = msgspec.json.encode(ThankYou()).decode()


def _link_row(store: Store, n: int, created_at: datetime) -> dict[str, Any]:
    """The columns of a link as ``links.repository.insert`` writes them, with some variety
    in the optional fields so that rows are of a realistic size."""
    link_type = LinkType.REUSABLE if n % 3 == 0 else LinkType.ONE_OFF
    max_payments = 100 if link_type is LinkType.REUSABLE and n % 2 else None
    return {
        "id": new_id(Prefix.LINK),
        "store_id": store.store_id,
        "venue_id": None,
        "title": f"Espresso beans, batch {n}",
        "description": "Single-origin beans, roasted this week." if n % 2 else None,
        "reference": f"INV-{n:06d}" if n % 4 else None,
        "type": link_type.value,
        "amount_type": AmountType.FIXED.value,
        "currency": store.currency,
        "amount": 500 + n % 5000,
        "min_amount": None,
        "max_amount": None,
        "max_payments": max_payments,
        "expires_at": created_at + timedelta(days=365) if n % 5 == 0 else None,
        "image_id": None,
        "customer_fields": _CUSTOMER_FIELDS,
        "after_payment": _THANK_YOU,
        "metadata": f'{{"order":"{n}"}}' if n % 2 else "{}",
        "inactive_reason": None,
        "capacity": link_capacity(link_type, max_payments),
        "payments_count": 0,
        "amount_collected": 0,
        "amount_refunded": 0,
        "created_at": created_at,
        "deactivated_at": None,
    }


def _column_default(column: Column) -> Any:
    """What Piccolo writes for a column the bench does not set (one added since)."""
    value = column.get_default_value()
    return value.python() if isinstance(value, Default) else value


def make_store(url: str, links: int) -> Store:
    """A migrated database with one store, payments activated, and ``links`` links.

    The links go in through the driver (SQLite's executemany, PostgreSQL's COPY): building
    Piccolo rows costs ~1 ms a link, minutes for 100,000. On SQLite the values are adapted
    by the adapters Piccolo registers with ``sqlite3``, so the rows are the ones it writes.
    """
    store = on_database(url, _create_store)
    now = datetime.now(UTC)
    rows = [_link_row(store, n, now) for n in range(links)]
    defaults = {c._meta.db_column_name: _column_default(c) for c in _LINK_COLUMNS}
    records = [tuple(row.get(name, defaults[name]) for name in _COLUMN_NAMES) for row in rows]
    if url.startswith("sqlite"):
        placeholders = ", ".join("?" for _ in _COLUMN_NAMES)
        sql = f"INSERT INTO payment_link ({', '.join(_COLUMN_NAMES)}) VALUES ({placeholders})"
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        with contextlib.closing(connection), connection:
            connection.executemany(sql, records)
    else:

        async def copy() -> None:
            connection = await asyncpg.connect(url)
            try:
                await connection.copy_records_to_table(
                    "payment_link", records=records, columns=_COLUMN_NAMES
                )
                # What autovacuum does on a live database after a bulk load.
                await connection.execute("ANALYZE")
            finally:
                await connection.close()

        asyncio.run(copy())
    store.link_ids = [row["id"] for row in rows]
    return store


# ---------------------------------------------------------------------------- the clients


class ClientKind(StrEnum):
    LEAN = "lean"
    HTTPX = "httpx"


@dataclass(frozen=True)
class Load:
    concurrency: int
    warmup: float
    seconds: float
    rounds: int
    clients: int
    client: ClientKind


class ClientReport(msgspec.Struct):
    latencies: list[float]
    errors: dict[int, int]
    cpu_seconds: float


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, its responses parsed by httptools (the parser
    uvicorn uses). It costs ~0.1 ms of CPU a request where httpx costs ~2 ms on the
    machine this was written on, so that the client is not what gets measured."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_result(self.parser.get_status_code())

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(exc or ConnectionError("the server closed the connection"))

    async def get(self, request: bytes) -> int:
        assert self.transport is not None
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.done


Get = Callable[[str], Awaitable[int]]
Close = Callable[[], Awaitable[None]]


async def _lean_getters(
    base_url: str, headers: dict[str, str], count: int
) -> tuple[list[Get], Close]:
    host, port = base_url.removeprefix("http://").split(":")
    # What a typical client sends: httpx, requests and curl --compressed all ask for gzip.
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Accept-Encoding": "gzip"}.items())
    loop = asyncio.get_running_loop()
    connections = [
        (await loop.create_connection(_Connection, host, int(port)))[1] for _ in range(count)
    ]

    def getter(connection: _Connection) -> Get:
        def get(path: str) -> Awaitable[int]:
            return connection.get(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode())

        return get

    async def close() -> None:
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()

    return [getter(c) for c in connections], close


async def _httpx_getters(
    base_url: str, headers: dict[str, str], count: int
) -> tuple[list[Get], Close]:
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=count, max_keepalive_connections=count),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
    client = httpx.AsyncClient(base_url=base_url, headers=headers, transport=transport, timeout=60)

    async def get(path: str) -> int:
        return (await client.get(path)).status_code

    return [get] * count, client.aclose


@dataclass(frozen=True)
class Window:
    """When a client process starts sending, starts recording and stops (``time.time()``)."""

    start: float
    measure_from: float
    stop: float


def _client(
    kind: ClientKind,
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
    window: Window,
    seed: int,
) -> bytes:
    """One client process: ``concurrency`` keep-alive connections, each sending requests
    back to back; it reports the requests that completed inside the measured window."""
    report = uvloop.run(_drive(kind, base_url, paths, headers, concurrency, window, seed))
    return msgspec.msgpack.encode(report)


async def _drive(
    kind: ClientKind,
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
    window: Window,
    seed: int,
) -> ClientReport:
    rng = random.Random(seed)
    latencies: list[float] = []
    errors: dict[int, int] = {}
    cpu: list[float] = []

    async def user(get: Get) -> None:
        while True:
            path = rng.choice(paths)
            began = time.perf_counter()
            status = await get(path)
            elapsed = time.perf_counter() - began
            now = time.time()
            if now >= window.stop:
                return
            if now >= window.measure_from:
                latencies.append(elapsed)
                if status != 200:
                    errors[status] = errors.get(status, 0) + 1

    async def cpu_clock() -> None:
        await asyncio.sleep(max(0.0, window.measure_from - time.time()))
        cpu.append(time.process_time())
        await asyncio.sleep(max(0.0, window.stop - time.time()))
        cpu.append(time.process_time())

    connect = _lean_getters if kind is ClientKind.LEAN else _httpx_getters
    getters, close = await connect(base_url, headers, concurrency)
    try:
        await asyncio.sleep(max(0.0, window.start - time.time()))
        await asyncio.gather(cpu_clock(), *(user(get) for get in getters))
    finally:
        await close()
    return ClientReport(latencies, errors, cpu[1] - cpu[0])


def _ready(_: int) -> None:
    time.sleep(0.2)


# ---------------------------------------------------------------------------- CPU use

_TICKS = os.sysconf("SC_CLK_TCK")


def _read_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of a process and all its threads; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _process_cpu(pid: int) -> float:
    """CPU seconds of a process, 0 once it is gone (``common.py`` counts with this)."""
    return _read_cpu(pid) or 0.0


def _backends_of(database_url: str) -> list[int]:
    """PostgreSQL's processes serving one database: a backend's process title names its
    database. Other sessions' backends count as other processes."""
    title = f" {database_url.rsplit('/', 1)[1]} ".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres" and (
                    title in (entry / "cmdline").read_bytes()
                ):
                    pids.append(int(entry.name))
    return pids


def _cpu_used(pids: list[int], before: dict[int, float | None]) -> float:
    """CPU seconds that ``pids`` used since ``before``, counting those alive both times."""
    used = 0.0
    for pid in pids:
        start, end = before.get(pid), _read_cpu(pid)
        if start is not None and end is not None:
            used += max(0.0, end - start)
    return used


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    steal = values[7] if len(values) > 7 else 0
    return (sum(values[:8]) - idle - steal) / _TICKS


# ---------------------------------------------------------------------------- measuring


@dataclass(eq=False)
class Measurement:
    """One row of the report, summed over the rounds. CPU figures are CPU seconds."""

    endpoint: Endpoint
    links: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: Counter[int] = field(default_factory=Counter)
    cpu_server: float = 0.0
    cpu_clients: float = 0.0
    cpu_database: float | None = None
    cpu_others: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        """In milliseconds (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def cores(self, cpu_seconds: float) -> float:
        return cpu_seconds / self.seconds

    @property
    def server_ms_per_request(self) -> float:
        """The server process's CPU per request: unlike req/s, it barely moves when other
        processes take CPU from the server."""
        return self.cpu_server * 1000 / len(self.latencies) if self.latencies else float("nan")


def measure(
    pool: Pool, srv: Server, store: Store, load: Load, postgres: bool, into: Measurement
) -> None:
    """One window of load on ``into.endpoint``, added to ``into``."""
    endpoint = into.endpoint
    sample = random.Random(0).sample(store.link_ids, min(ID_SAMPLE, len(store.link_ids)))
    paths = [endpoint.path.format(id=link_id) for link_id in sample]
    headers = {"Authorization": f"Bearer {store.api_key}"} if endpoint.authenticated else {}
    shares = [load.concurrency // load.clients] * load.clients
    for i in range(load.concurrency % load.clients):
        shares[i] += 1
    start = time.time() + 0.5
    window = Window(start, start + load.warmup, start + load.warmup + load.seconds)
    pending = [
        pool.apply_async(_client, (load.client, srv.base_url, paths, headers, share, window, seed))
        for seed, share in enumerate(shares)
        if share
    ]
    watched = [srv.pid, *(_backends_of(srv.database_url) if postgres else [])]

    time.sleep(max(0.0, window.measure_from - time.time()))
    before = {pid: _read_cpu(pid) for pid in watched}
    machine0 = _machine_busy()
    time.sleep(max(0.0, window.stop - time.time()))
    server = _cpu_used([srv.pid], before)
    database = _cpu_used(watched[1:], before)
    machine = _machine_busy() - machine0
    reports = [msgspec.msgpack.decode(p.get(), type=ClientReport) for p in pending]
    clients = sum(report.cpu_seconds for report in reports)
    into.seconds += load.seconds
    for report in reports:
        into.latencies.extend(report.latencies)
        into.errors.update(report.errors)
    into.cpu_server += server
    into.cpu_clients += clients
    if postgres:
        into.cpu_database = (into.cpu_database or 0.0) + database
    into.cpu_others += max(0.0, machine - server - clients - database)


@dataclass
class BackendRun:
    backend: Backend
    floor: Measurement
    reads: list[Measurement]
    list_small: Measurement
    list_large: Measurement


def run_backend(
    backend: Backend, links: int, load: Load, pool: Pool, endpoints: list[Endpoint]
) -> BackendRun:
    postgres = backend is Backend.POSTGRES
    step = f"[bold]{backend}[/]"
    with (
        tempfile.TemporaryDirectory(prefix="paylinks-bench-") as tmp,
        database(backend, Path(tmp), "small") as small_url,
        database(backend, Path(tmp), "large") as large_url,
    ):
        began = time.monotonic()
        small = make_store(small_url, SMALL_STORE)
        large = make_store(large_url, links)
        took = time.monotonic() - began
        out.print(f"{step}: loaded {SMALL_STORE:,} + {links:,} links in {took:.1f} s")
        run = BackendRun(
            backend,
            floor=Measurement(FLOOR, links),
            reads=[Measurement(e, links) for e in endpoints],
            list_small=Measurement(LIST, SMALL_STORE),
            list_large=Measurement(LIST, links),
        )
        with (
            server(small_url, Path(tmp) / "small") as small_srv,
            server(large_url, Path(tmp) / "large") as large_srv,
        ):
            for number in range(1, load.rounds + 1):
                out.print(f"{step}: round {number} of {load.rounds}")
                measure(pool, small_srv, small, load, postgres, run.list_small)
                measure(pool, large_srv, large, load, postgres, run.floor)
                for m in run.reads:
                    measure(pool, large_srv, large, load, postgres, m)
                measure(pool, large_srv, large, load, postgres, run.list_large)
    return run


# ---------------------------------------------------------------------------- the report


def _met(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]NOT met[/]"


def _cpu(m: Measurement) -> str:
    database = "-" if m.cpu_database is None else f"{m.cores(m.cpu_database):.2f}"
    return (
        f"{m.cores(m.cpu_server):.2f} / {m.cores(m.cpu_clients):.2f} / {database} / "
        f"{m.cores(m.cpu_others):.2f}"
    )


def _errors(m: Measurement) -> str:
    return ", ".join(f"{n}x{status}" for status, n in sorted(m.errors.items())) or "0"


def report(runs: list[BackendRun], load: Load, skipped: list[Endpoint]) -> bool:
    """Print the tables; True when every target is met and no request failed."""
    reads = Table(
        title=f"Reads: {load.concurrency} in flight, {load.rounds} rounds of {load.seconds:g} s "
        f"per row (after {load.warmup:g} s warm-up each), {load.clients} {load.client} "
        "client process(es)"
    )
    for column in ("backend", "endpoint", "links"):
        reads.add_column(column)
    for column in ("req/s", "p50 ms", "p99 ms", "÷ floor"):
        reads.add_column(column, justify="right")
    reads.add_column("target")
    for column in ("server CPU ms/req", "÷ floor by CPU", "errors"):
        reads.add_column(column, justify="right")
    reads.add_column("CPU cores: server / clients / postgres / others", justify="right")
    all_met = True
    for run in runs:
        for m in [run.floor, *run.reads, run.list_small, run.list_large]:
            ratio, target, cpu_ratio = "", "", ""
            if m in run.reads:
                ratio = f"{m.rps / run.floor.rps:.2f}"
                cpu_ratio = f"{run.floor.server_ms_per_request / m.server_ms_per_request:.2f}"
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
                f"{m.server_ms_per_request:.2f}",
                cpu_ratio,
                _errors(m),
                _cpu(m),
            )
        reads.add_section()
    out.print(reads)

    lists = Table(title=f"{LIST.name}: p50 by store size (target: at most {LIST_TARGET:g}x)")
    lists.add_column("backend")
    for column in (
        f"p50 ms at {SMALL_STORE:,} links",
        "p50 ms at",
        "ratio",
        "target",
        "server CPU ms/req",
        "ratio by CPU",
    ):
        lists.add_column(column, justify="left" if column == "target" else "right")
    for run in runs:
        small, large = run.list_small, run.list_large
        growth = large.percentile(50) / small.percentile(50)
        ok = growth <= LIST_TARGET
        all_met &= ok
        lists.add_row(
            str(run.backend),
            f"{small.percentile(50):.2f}",
            f"{large.percentile(50):.2f} at {large.links:,} links",
            f"{growth:.2f}",
            _met(ok),
            f"{small.server_ms_per_request:.2f} → {large.server_ms_per_request:.2f}",
            f"{large.server_ms_per_request / small.server_ms_per_request:.2f}",
        )
    out.print(lists)

    measured = [m for run in runs for m in (run.floor, *run.reads, run.list_small, run.list_large)]
    others = sum(m.cpu_others for m in measured) / sum(m.seconds for m in measured)
    if others > 0.25:
        out.print(
            f"[yellow]Other processes used {others:.2f} cores on average during the windows: "
            "these figures are of a busy machine; the ratios hold up better than the req/s.[/]"
        )
    if skipped:
        names = ", ".join(e.name for e in skipped)
        out.print(f"Not served by this build of the app yet, so skipped: {names}")
    out.print(
        f"CPU cores used during the windows (this machine has {os.cpu_count()}): the server "
        "process (on SQLite the database work is in it), the load clients, PostgreSQL's "
        "backends for the bench's databases, and every other process on the machine. A "
        "server near 1.00 is the limit. When 'others' is high the server is starved and "
        "req/s falls; '÷ floor by CPU' (the floor's server CPU per request over the "
        "endpoint's) then estimates the ratio on a quiet machine better than req/s does."
    )
    return all_met


# ---------------------------------------------------------------------------- the command


def main(
    backend: Annotated[Backend, typer.Option(help="Which database to measure")] = Backend.BOTH,
    links: Annotated[int, typer.Option(min=SMALL_STORE, help="Links in the large store")] = 100_000,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds per row and round")] = 5.0,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds, each measuring every row")] = 3,
    warmup: Annotated[float, typer.Option(min=0, help="Warm-up seconds per window")] = 1.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight")] = 16,
    clients: Annotated[int, typer.Option(min=1, help="Client processes sharing them")] = 1,
    client: Annotated[ClientKind, typer.Option(help="The HTTP client")] = ClientKind.LEAN,
) -> None:
    """Requests/s and p50/p99 of the API's reads beside the floor, and the list's p50 by
    store size, on SQLite and PostgreSQL."""
    _quiet()
    load = Load(concurrency, warmup, seconds, rounds, clients, client)
    endpoints = served(ENDPOINTS)
    skipped = [e for e in ENDPOINTS if e not in endpoints]
    backends = [Backend.SQLITE, Backend.POSTGRES] if backend is Backend.BOTH else [backend]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.map(_ready, range(clients * 2), chunksize=1)
        runs = [run_backend(b, links, load, pool, endpoints) for b in backends]
    met = report(runs, load, skipped)
    out.print("All targets met." if met else "[red]Not every target is met, or requests failed.[/]")


if __name__ == "__main__":
    typer.run(main)
