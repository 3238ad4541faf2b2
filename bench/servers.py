"""Servers side by side: the API's floor and its payment path under uvicorn and granian,
or with one and two processes, in one run.

Run by hand, never by the tests:

    uv run python bench/servers.py                                  # uvicorn, granian: ~3 min
    uv run python bench/servers.py --variants uvicorn:1,uvicorn:2   # --workers 2 beside 1
    uv run python bench/servers.py --variants uvicorn:2,granian:2   # two processes each

One PostgreSQL database (migrated, one store on the sandbox gateway, ``--links`` links) is
served by the same app (``api_reads.serve_app``: the real API, jobs left to worker
processes, plus the floor route ``GET /bench/floor/{id}``) under each variant at once
(``server:processes``), each in its own process(es) on 127.0.0.1: uvicorn on uvloop and
httptools, granian (Rust HTTP/1.1, the app's loop on uvloop). Rounds alternate which
variant goes first; each round measures, for each variant, the floor (``--concurrency``
keep-alive connections, the lean client of ``common.py``) and then ``--customers``
customers paying (view, start, confirm, as ``payments.py``). Only one variant has load at
a time, so a change in the machine's load hits all alike, and the report gives each
variant ÷ the first for each figure directly.
"""

import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
import uvloop
from api_reads import Backend, _backends_of, _quiet, database, on_database, out
from common import (
    HOST,
    SECRET_KEY,
    SERVERS,
    CpuMeter,
    Process,
    cpu_note,
    create_links,
    family,
    free_port,
    percentile,
    server_command,
    setup_store,
    stopping,
)
from payments import Budget, Reads, Steps, Window, customers
from rich.table import Table

from paylinks.db.migrate import migrate

FLOOR = "/bench/floor/{id}"


@dataclass
class Figures:
    """One server's windows, summed over the rounds."""

    name: str
    server: str
    workers: int
    floor: Reads = field(default_factory=lambda: Reads(FLOOR))
    seconds: float = 0.0
    payments: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the payment windows
    others: float = 0.0

    @property
    def rate(self) -> float:
        return self.payments / self.seconds if self.seconds else float("nan")

    def per_payment(self, group: str) -> float:
        return self.cpu.get(group, 0.0) * 1000 / self.payments if self.payments else float("nan")

    def add(self, steps: Steps) -> None:
        assert steps.cpu is not None
        self.seconds += steps.seconds
        self.payments += steps.completed
        self.latencies += steps.latencies["payment"]
        self.errors += sum(steps.errors.values())
        for group, seconds in steps.cpu.seconds.items():
            self.cpu[group] = self.cpu.get(group, 0.0) + seconds


@contextlib.contextmanager
def serving(variant: Figures, url: str, workdir: Path) -> Iterator[tuple[str, list[int]]]:
    port, name, workers = free_port(), f"{variant.server}-{variant.workers}", variant.workers
    env = {
        **os.environ,
        "PAYLINKS_DATABASE_URL": url,
        "PAYLINKS_DATA_DIR": str(workdir / name),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        "PAYLINKS_API_URL": f"http://{HOST}:{port}",
        "PAYLINKS_RATE_LIMIT_PER_MINUTE": str(10**9),
    }
    (workdir / name).mkdir(parents=True, exist_ok=True)
    command = server_command(
        variant.server, "api_reads:serve_app", port, factory=True, workers=workers
    )
    with stopping([]) as processes:
        processes.append(Process.start(name, command, env, workdir / f"{name}.log"))
        base_url = f"http://{HOST}:{port}"
        processes[0].wait_for_http(f"{base_url}/health")
        time.sleep(2 if workers > 1 else 0.5)  # every worker up, not only the first
        yield base_url, family(processes[0].pid)


def main(
    customers_: Annotated[
        int, typer.Option("--customers", min=1, help="Concurrent paying customers")
    ] = 32,
    concurrency: Annotated[int, typer.Option(min=1, help="Floor requests in flight")] = 16,
    seconds: Annotated[float, typer.Option(min=1, help="Measured seconds per window")] = 6.0,
    floor_seconds: Annotated[float, typer.Option(min=1, help="Seconds per floor window")] = 4.0,
    warmup: Annotated[float, typer.Option(min=0, help="Warm-up seconds per window")] = 1.0,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds, each measuring both servers")] = 3,
    links: Annotated[int, typer.Option(min=1, help="Links the customers pick from")] = 100,
    variants: Annotated[
        str, typer.Option(help="server:processes, comma-separated (servers: uvicorn, granian)")
    ] = "uvicorn:1,granian:1",
) -> None:
    """The floor's req/s and the payments/s of each variant, with CPU per request and per
    payment, in the same run."""
    _quiet()
    figures = {}
    for variant in variants.split(","):
        server, _, workers = variant.strip().partition(":")
        if server not in SERVERS or not workers.isdigit() or not 1 <= int(workers) <= 4:
            raise typer.BadParameter(f"{variant}: not server:processes", param_hint="--variants")
        figures[f"{server} ×{workers}"] = Figures(f"{server} ×{workers}", server, int(workers))
    names = list(figures)
    with (
        tempfile.TemporaryDirectory(prefix="paylinks-bench-") as tmp,
        database(Backend.POSTGRES, Path(tmp), "servers") as url,
    ):
        on_database(url, migrate)
        with contextlib.ExitStack() as stack:
            served = {n: stack.enter_context(serving(figures[n], url, Path(tmp))) for n in names}
            first_url = served[names[0]][0]
            store = setup_store(first_url)
            link_ids = create_links(first_url, store, links)
            out.print(f"store and {links} links ready; variants: {', '.join(names)}")
            for number in range(1, rounds + 1):
                order = names if number % 2 else names[::-1]
                for name in order:
                    base_url, pids = served[name]
                    out.print(f"round {number} of {rounds}: {name}")
                    groups = {"server": pids, "postgres": lambda: _backends_of(url)}
                    figures[name].floor.measure(
                        base_url, link_ids, concurrency, floor_seconds, CpuMeter(groups)
                    )
                    steps = Steps(seconds=seconds, cpu=CpuMeter(groups))
                    uvloop.run(_paying(base_url, link_ids, customers_, warmup, steps))
                    figures[name].add(steps)
    report(figures)


async def _paying(
    base_url: str, link_ids: list[str], count: int, warmup: float, steps: Steps
) -> None:
    start = time.monotonic()
    window = Window(start + warmup, start + warmup + steps.seconds)
    assert steps.cpu is not None

    async def measure_cpu() -> None:
        assert steps.cpu is not None
        await asyncio.sleep(warmup)
        steps.cpu.start()
        await asyncio.sleep(steps.seconds)
        steps.cpu.stop()

    await asyncio.gather(
        measure_cpu(), customers(base_url, link_ids, count, window, Budget(10**9), steps, 1)
    )


def report(figures: dict[str, Figures]) -> None:
    table = Table(title="The API under each server (PostgreSQL)")
    table.add_column("server × processes")
    for column in (
        "floor req/s", "floor p50 / p99 ms", "floor server CPU ms/req", "payments/s",
        "payment p50 / p99 ms", "server CPU ms/payment", "postgres CPU ms/payment",
        "server (cores)", "others (cores)", "errors",
    ):  # fmt: skip
        table.add_column(column, justify="right")
    for f in figures.values():
        lat = [s * 1000 for s in f.floor.latencies]
        pay = [s * 1000 for s in f.latencies]
        others = (f.cpu.get("others", 0.0) + f.floor.others) / (f.seconds + f.floor.seconds)
        server_cores = f.cpu.get("server", 0.0) / f.seconds if f.seconds else float("nan")
        table.add_row(
            f.name, f"{f.floor.rps:,.0f}",
            f"{percentile(lat, 50):.1f} / {percentile(lat, 99):.1f}", f"{f.floor.cpu_ms:.3f}",
            f"{f.rate:.1f}", f"{percentile(pay, 50):.0f} / {percentile(pay, 99):.0f}",
            f"{f.per_payment('server'):.2f}", f"{f.per_payment('postgres'):.2f}",
            f"{server_cores:.2f}", f"{others:.2f}", str(f.errors + sum(f.floor.errors.values())),
        )  # fmt: skip
    out.print(table)
    base, *others_ = figures.values()
    for g in others_:
        out.print(
            f"{g.name} ÷ {base.name}: floor req/s [bold]{g.floor.rps / base.floor.rps:.2f}[/], "
            f"floor CPU per request {g.floor.cpu_ms / base.floor.cpu_ms:.2f}; "
            f"payments/s [bold]{g.rate / base.rate:.2f}[/], CPU per payment "
            f"{g.per_payment('server') / base.per_payment('server'):.2f} (below 1: costs less)"
        )
    out.print(cpu_note())


if __name__ == "__main__":
    typer.run(main)
