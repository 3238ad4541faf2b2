"""Customers paying through the real checkout app (Reflex), beside the API paid directly.

Run by hand, never by the tests:

    uv run python bench/checkout_app.py

What runs: ``paylinks api`` on a fresh PostgreSQL database (jobs left to the worker
processes, as in production: none run here, the outbox rows wait) and ``paylinks checkout``
in front of it, both the real commands in processes of their own on 127.0.0.1. The
checkout is built once into ``--data-dir`` (for ``http://127.0.0.1:--port``) and reused.

Each customer does what a browser does on ``/pay/{id}``, on the wire:

1. **page**: ``GET /pay/{id}`` (the prerendered page; a returning browser has the
   JavaScript cached, so the assets are not fetched);
2. **hydrate**: opens the websocket (``/_event``, Engine.IO 4 / Socket.IO 5, the Reflex
   version as subprotocol, a new session token) with the page's ``hydrate_and_load`` event
   in the Socket.IO CONNECT packet, as Reflex's ``state.js`` sends it: the event's name,
   the compiled defaults' hashes and the state schema are read from the build's
   ``utils/context.jsx``; then reads the state deltas until the pay form shows
   (``screen`` = ``pay``): **ready**;
3. **pay**: sends the form's ``submit`` event as the browser encodes it (the test card)
   and reads deltas until the thank-you screen (``screen`` = ``success``): **paid**;
4. closes the websocket (the tab is closed) and starts again with another link.

The same number of customers then pay the API directly (view, start, confirm: the
same three API requests the checkout makes per payment) with ``payments.py``'s lean
client, in the same run, so the ratio of the two rates is printed directly. CPU is
counted per process group: the checkout's backend, the API, the database's PostgreSQL
backends, this client, and everything else on the machine ("others").
"""

import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer
import uvloop
from api_reads import Backend, _backends_of, _quiet, database, on_database, out
from common import (
    HOST,
    SECRET_KEY,
    CpuMeter,
    Exchange,
    Process,
    connect,
    cpu_note,
    create_links,
    family,
    free_port,
    paylinks_command,
    percentile,
    setup_store,
    stopping,
)
from payments import Budget, Steps, Window, customers
from reflex import constants
from rich.table import Table
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from paylinks.db.migrate import migrate
from paylinks.settings import load_settings
from paylinks_cli.webapps import app_dir
from paylinks_cli.webserve import APP_FACTORIES, server_environment

ROOT = Path(__file__).resolve().parent.parent
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12 / 30", "cvc": "123"}
#: The form's other fields, absent on a fixed-amount link without customer fields (the
#: browser sends them as null).
ABSENT = ("amount", "customer_name", "business_name", "email", "phone")
STEP_SECONDS = 30.0  # a page that is not ready, or a payment not done, within this fails
RATE_TARGET = 0.5  # the checkout's paid checkouts/s over the API's own payments/s, at least

_decode = msgspec.json.decode


# ---------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class Page:
    """What the built checkout's JavaScript sends (read from the build)."""

    state: str  # the root state's name
    pay_state: str  # the pay page's state's name
    schema: str
    hashes: list[str]

    @classmethod
    def from_build(cls, web: Path) -> "Page":
        context = (web / "utils" / "context.jsx").read_text()
        state = re.search(r'export const state_name = "([^"]+)"', context)
        schema = re.search(r'export const stateSchema = "([^"]+)"', context)
        hashes = re.search(r"export const initialStateHashes = (\[[^\]]*\])", context)
        pay = re.search(r'"(' + re.escape(state[1] if state else "") + r'\.[^"]*pay_state)"',
                        context)  # fmt: skip
        if not (state and schema and hashes and pay):
            raise RuntimeError(f"{web}: not a Reflex build this bench can read")
        return cls(state[1], pay[1], schema[1], json.loads(hashes[1]))

    def router(self, link_id: str) -> dict[str, Any]:
        path = f"/pay/{link_id}"
        return {"pathname": path, "asPath": path, "query": {"plink_id": link_id}}

    def connect_packet(self, link_id: str) -> str:
        boot = {
            "name": f"{self.state}.hydrate_and_load",
            "payload": {"hashes": self.hashes},
            "router_data": self.router(link_id),
        }
        return "40/_event," + json.dumps({"event": boot, "state_schema": self.schema})

    def submit_packet(self, link_id: str) -> str:
        form = [["attempt", "0"], *CARD.items(), *((name, None) for name in ABSENT)]
        event = {
            "name": f"{self.pay_state}.submit",
            "payload": {"form_data": {"__reflex_form_data__": form}},
            "router_data": self.router(link_id),
        }
        return "42/_event," + json.dumps(["event", event])


class Refused(Exception):
    """The page answered, but not with what a paying customer gets."""


async def _screen(ws: ClientConnection, page: Page, wanted: str) -> None:
    """Reads the socket until the pay state's ``screen`` becomes ``wanted``; answers the
    server's pings; raises Refused on another settled screen or a Socket.IO error."""
    async with asyncio.timeout(STEP_SECONDS):
        while True:
            message = await ws.recv()
            assert isinstance(message, str)
            if message == "2":  # Engine.IO ping
                await ws.send("3")
                continue
            if message.startswith("44"):
                raise Refused(f"socket.io error {message[:120]}")
            if not message.startswith("42"):
                continue
            update = _decode(message[message.index("[") :])[1]
            screen = (update.get("delta") or {}).get(page.pay_state, {}).get("screen_rx_state_")
            if screen == wanted:
                return
            if screen not in (None, "loading", "pay"):
                raise Refused(f"screen {screen}")


async def checkout(page_conn: Exchange, ws_url: str, page: Page, link_id: str) -> dict[str, float]:
    """One customer's checkout through the app; the latencies of its steps."""
    began = time.perf_counter()
    status, _ = await page_conn.request("GET", f"/pay/{link_id}")
    if status != 200:
        raise Refused(f"page {status}")
    url = f"{ws_url}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    async with ws_connect(url, subprotocols=[constants.Reflex.VERSION]) as ws:  # type: ignore[list-item]
        handshake = await ws.recv()
        if not (isinstance(handshake, str) and handshake.startswith("0")):
            raise Refused(f"no Engine.IO handshake: {handshake!r:.80}")
        await ws.send(page.connect_packet(link_id))
        await _screen(ws, page, "pay")
        ready = time.perf_counter()
        await ws.send(page.submit_packet(link_id))
        await _screen(ws, page, "success")
        paid = time.perf_counter()
    return {"ready": ready - began, "pay": paid - ready, "checkout": paid - began}


@dataclass
class AppSteps:
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"ready": [], "pay": [], "checkout": []}
    )
    completed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    cpu: CpuMeter | None = None

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds else float("nan")


async def app_customers(
    base_url: str, page: Page, link_ids: list[str], count: int, window: Window, into: AppSteps
) -> None:
    rng = random.Random(3)
    ws_url = base_url.replace("http://", "ws://")

    async def customer(page_conn: Exchange) -> None:
        while time.monotonic() < window.stop:
            try:
                times = await checkout(page_conn, ws_url, page, rng.choice(link_ids))
                outcome = "paid"
            except (Refused, OSError, TimeoutError, ConnectionError) as error:
                times, outcome = {}, f"{type(error).__name__}: {error}"[:80]
                if page_conn.closed:
                    page_conn = (await connect(base_url, 1))[0]
            except Exception as error:  # a closed websocket (websockets' own errors), counted
                times, outcome = {}, f"{type(error).__name__}"
            now = time.monotonic()
            if not window.measure_from <= now < window.stop:
                continue
            if outcome == "paid":
                into.completed += 1
                for step, seconds in times.items():
                    into.latencies[step].append(seconds)
            else:
                into.errors[outcome] += 1

    connections = await connect(base_url, count)
    try:
        await asyncio.gather(*(customer(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()


# ---------------------------------------------------------------------------- the servers


def _environment(database_url: str, data_dir: Path, api_url: str, checkout_url: str,
                 redis_url: str) -> dict[str, str]:  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")}
    return {
        **env,
        "PAYLINKS_DATABASE_URL": database_url,
        "PAYLINKS_DATA_DIR": str(data_dir),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        "PAYLINKS_API_URL": api_url,
        "PAYLINKS_CHECKOUT_URL": checkout_url,
        # Every customer here is one address; the public routes are limited per address.
        "PAYLINKS_RATE_LIMIT_PER_MINUTE": str(10**9),
        "PAYLINKS_BROKER_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }


@dataclass(frozen=True)
class Load:
    customers: int
    seconds: float
    warmup: float
    links: int
    checkout_workers: int
    api_workers: int
    state: str
    redis_url: str
    port: int
    data_dir: Path
    direct: bool
    checkout_server: str


@dataclass
class Run:
    app: AppSteps
    direct: Steps | None
    groups: list[str]


def run(load: Load, logs: Path) -> Run:
    api_port = free_port()
    api_url, checkout_url = f"http://{HOST}:{api_port}", f"http://{HOST}:{load.port}"
    with database(Backend.POSTGRES, logs, "checkout_app") as url:
        on_database(url, migrate)
        env = _environment(url, load.data_dir, api_url, checkout_url, load.redis_url)
        out.print("building the checkout if its build is missing or stale …")
        subprocess.run(paylinks_command("build", "checkout"), env=env, check=True)
        page = Page.from_build(load.data_dir / "web" / "checkout" / ".web")
        checkout_env = dict(env)
        if load.state == "memory":  # page state in the process: no Redis for it
            checkout_env.pop("PAYLINKS_BROKER_URL")
        with stopping([]) as processes:
            api = Process.start(
                "paylinks api",
                paylinks_command("api", "--port", str(api_port),
                                 "--workers", str(load.api_workers)),
                env, logs / "api.log",
            )  # fmt: skip
            processes.append(api)
            command, cwd = checkout_command(load, checkout_env)
            app = Process.start(
                "paylinks checkout", command, checkout_env, logs / "checkout.log", cwd
            )
            processes.append(app)
            api.wait_for_http(f"{api_url}/health")
            app.wait_for_http(f"{checkout_url}/pay/warm")
            time.sleep(2)  # every worker process up, not only the first to answer
            store = setup_store(api_url)
            link_ids = create_links(api_url, store, load.links)
            out.print(f"store and {load.links} links ready; {load.customers} customers")
            groups: dict[str, Any] = {
                "checkout": family(app.pid),
                "api": family(api.pid),
                "postgres": lambda: _backends_of(url),
            }
            app_steps = AppSteps(seconds=load.seconds, cpu=CpuMeter(groups))
            out.print(f"through the checkout app: {load.warmup:g} + {load.seconds:g} s")
            uvloop.run(_measured(app_steps.cpu, load, lambda w: app_customers(
                checkout_url, page, link_ids, load.customers, w, app_steps)))  # fmt: skip
            direct = None
            if load.direct:
                direct = Steps(seconds=load.seconds, cpu=CpuMeter(groups))
                out.print(f"the API directly: {load.warmup:g} + {load.seconds:g} s")
                budget = Budget(10**9)
                uvloop.run(_measured(direct.cpu, load, lambda w: customers(
                    api_url, link_ids, load.customers, w, budget, direct, 1)))  # fmt: skip
        return Run(app_steps, direct, [*groups, "client", "others"])


def checkout_command(load: Load, env: dict[str, str]) -> tuple[list[str], Path | None]:
    """``paylinks checkout`` (granian), or (``--checkout-server uvicorn``) the same app in
    the same environment under uvicorn, as ``paylinks checkout`` served it before, for
    comparison; and the directory to run it in."""
    if load.checkout_server == "paylinks":
        return paylinks_command("checkout", "--port", str(load.port),
                                "--workers", str(load.checkout_workers)), None  # fmt: skip
    env.update(server_environment("checkout", load_settings(env, env_file=None)))
    return [
        sys.executable, "-m", "uvicorn", "--factory", APP_FACTORIES["checkout"],
        "--host", HOST, "--port", str(load.port), "--workers", str(load.checkout_workers),
        "--proxy-headers", "--no-server-header", "--log-level", "info",
    ], app_dir("checkout")  # fmt: skip


async def _measured(meter: CpuMeter | None, load: Load, drive: Any) -> None:
    start = time.monotonic()
    window = Window(start + load.warmup, start + load.warmup + load.seconds)

    async def measure_cpu() -> None:
        assert meter is not None
        await asyncio.sleep(load.warmup)
        meter.start()
        await asyncio.sleep(load.seconds)
        meter.stop()

    await asyncio.gather(measure_cpu(), drive(window))


# ---------------------------------------------------------------------------- the report


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f}"


def report(result: Run, load: Load) -> bool:
    app, direct = result.app, result.direct
    table = Table(title=f"Paying through the checkout app, {load.customers} customers, "
                        f"{load.seconds:g} s measured (PostgreSQL)")  # fmt: skip
    table.add_column("path")
    table.add_column("paid/s", justify="right")
    for step in ("page→ready", "pay→thank-you", "whole"):
        table.add_column(f"{step} p50 / p95 ms", justify="right")
    for group in ("checkout", "api", "postgres"):
        table.add_column(f"{group} CPU ms/payment", justify="right")
    table.add_column("cores: " + " / ".join(result.groups), justify="right")
    table.add_column("errors")

    def cpu(steps: AppSteps | Steps, group: str) -> str:
        return f"{steps.cpu.per(steps.completed, group):.2f}" if steps.cpu else ""

    lat = app.latencies
    table.add_row(
        "checkout app", f"{app.rate:.1f}",
        f"{_ms(lat['ready'], 50)} / {_ms(lat['ready'], 95)}",
        f"{_ms(lat['pay'], 50)} / {_ms(lat['pay'], 95)}",
        f"{_ms(lat['checkout'], 50)} / {_ms(lat['checkout'], 95)}",
        cpu(app, "checkout"), cpu(app, "api"), cpu(app, "postgres"),
        app.cpu.text() if app.cpu else "", _errors(app.errors),
    )  # fmt: skip
    if direct is not None:
        pay = direct.latencies["payment"]
        table.add_row(
            "API directly (view, start, confirm)", f"{direct.rate:.1f}", "", "",
            f"{_ms(pay, 50)} / {_ms(pay, 95)}", "", cpu(direct, "api"), cpu(direct, "postgres"),
            direct.cpu.text() if direct.cpu else "", _errors(direct.errors),
        )  # fmt: skip
    out.print(table)
    out.print(cpu_note())
    met = app.completed > 0 and not app.errors
    if direct is None or not direct.completed:
        met = False  # no ratio to the API's own rate, so the target is not shown
        out.print("No API-direct figure (--no-direct, or it paid nothing): no ratio.")
    else:
        ratio = app.rate / direct.rate
        ok = ratio >= RATE_TARGET
        met = met and ok
        out.print(f"checkout app ÷ API directly: [bold]{ratio:.2f}[/] of the payments/s "
                  f"(target ≥ {RATE_TARGET}: {'met' if ok else 'NOT met'})")  # fmt: skip
        if app.cpu and direct.cpu:
            per = app.cpu.per(app.completed, "checkout")
            api_per = direct.cpu.per(direct.completed, "api")
            out.print(f"checkout backend CPU per payment ÷ API's own: {per / api_per:.2f}; "
                      f"one checkout process tops out near {1000 / per:.0f}/s")  # fmt: skip
    if app.cpu and app.cpu.cores.get("others", 0) > 0.3:
        out.print("[yellow]Other processes used the machine during the run: compare the "
                  "CPU per payment and the ratio, not the rates.[/]")  # fmt: skip
    return met


def _errors(errors: Counter[str]) -> str:
    return ", ".join(f"{n} × {what}" for what, n in errors.most_common(3)) or "0"


# ---------------------------------------------------------------------------- the command


def main(
    customers: Annotated[int, typer.Option(min=1, help="Concurrent customers")] = 32,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds per path")] = 15.0,
    warmup: Annotated[float, typer.Option(min=0, help="Warm-up seconds, not counted")] = 3.0,
    links: Annotated[int, typer.Option(min=1, help="Links the customers pick from")] = 100,
    checkout_workers: Annotated[
        int, typer.Option(min=1, max=4, help="paylinks checkout --workers (above 1: Redis state)")
    ] = 1,
    api_workers: Annotated[int, typer.Option(min=1, max=4, help="paylinks api --workers")] = 1,
    state: Annotated[
        str, typer.Option(help="Page state: memory (one process) or redis (PAYLINKS_BROKER_URL)")
    ] = "memory",
    redis_db: Annotated[int, typer.Option(help="Redis database for the broker and state")] = 10,
    port: Annotated[
        int, typer.Option(help="The checkout's port (its build is made for it)")
    ] = 3101,
    data_dir: Annotated[
        Path, typer.Option(help="Where the checkout's build is kept between runs")
    ] = ROOT / ".paylinks" / "bench-checkout",
    direct: Annotated[bool, typer.Option(help="Also pay the API directly, for the ratio")] = True,
    checkout_server: Annotated[
        str, typer.Option(help="paylinks (the command, on granian) or uvicorn (to compare)")
    ] = "paylinks",
    logs: Annotated[
        Path | None, typer.Option(help="Keep the servers' logs here (default: a temporary dir)")
    ] = None,
) -> None:
    """Paid checkouts/s through the Reflex checkout, page-to-ready and pay-to-thank-you
    latencies, CPU per payment of the checkout's backend, the API and PostgreSQL; and the
    API's own payment rate in the same run."""
    _quiet()
    if checkout_workers > 1:
        state = "redis"
    if state not in ("memory", "redis"):
        raise typer.BadParameter("memory or redis", param_hint="--state")
    load = Load(
        customers, seconds, warmup, links, checkout_workers, api_workers, state,
        f"redis://127.0.0.1:6379/{redis_db}", port, data_dir, direct, checkout_server,
    )  # fmt: skip
    with contextlib.ExitStack() as stack:
        if logs is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paylinks-bench-")))
        logs.mkdir(parents=True, exist_ok=True)
        result = run(load, logs)
    met = report(result, load)
    out.print("Target met." if met else "[red]Target not met, or checkouts failed.[/]")


if __name__ == "__main__":
    typer.run(main)
