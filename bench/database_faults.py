"""What the API and the worker do when PostgreSQL misbehaves, in figures: the scenarios of
``tests/e2e/test_database_faults.py`` (which asserts them), measured so that two checkouts
can be compared (``--paylinks`` runs another checkout's ``paylinks`` command).

    uv run python bench/database_faults.py
    uv run python bench/database_faults.py --paylinks ../old/.venv/bin/paylinks

Each run makes its own database (dropped at the end) and uses Redis database 13; every
request goes to 127.0.0.1. Scenarios, in order, on one API and one worker process:

Each scenario starts fresh processes.

1. terminated: 12 customers pay for 20 s while every backend of the database is
   terminated each second; then how long until a read and the health check answer 200.
2. down: ALLOW_CONNECTIONS false and every backend terminated; what a read answers and
   how fast; then connections allowed again, and how long until a read answers 200.
3. killed: 60 keyed creations, the API SIGKILLed when the first answers, a new API
   started, every key retried after the lease: how many refused, how many keys made two.
4. SIGTERM after 10 s of scenario 1, while the database is down with requests in flight:
   how long until each process exits (SIGKILL after 45 s).
"""

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import redis
import typer
from common import HOST, STARTED, Process, confirmation_token, stopping
from rich.console import Console
from rich.table import Table

ADMIN_URL = os.environ.get(
    "PAYLINKS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = "redis://127.0.0.1:6379/13"
LEASE_SECONDS = 5
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
out = Console()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


async def admin(sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


class Database:
    def __init__(self) -> None:
        self.name = f"paylinks_faults_bench_{uuid.uuid4().hex[:8]}"
        self.url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{self.name}"

    async def terminate(self) -> None:
        await admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.name,
        )

    async def allow(self, allowed: bool) -> None:
        await admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {str(allowed).lower()}')

    async def connections(self) -> int:
        rows = await admin("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", self.name)
        return int(rows[0][0])


class System:
    """One API and one worker process of the ``paylinks`` command under test."""

    def __init__(self, paylinks: str, database: Database, logs: Path) -> None:
        self.paylinks, self.logs = paylinks, logs
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
            "PAYLINKS_DATABASE_URL": database.url,
            "PAYLINKS_BROKER_URL": REDIS_URL,
            "PAYLINKS_SECRET_KEY": "bench-secret-key-" + "b" * 40,
            "PAYLINKS_DATA_DIR": str(logs / "data"),
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "1000000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "1000000",
            "PAYLINKS_IDEMPOTENCY_LEASE_SECONDS": str(LEASE_SECONDS),
            "PAYLINKS_DB_POOL_SIZE": "5",
            "PAYLINKS_DB_POOL_TIMEOUT": "2",
        }
        self.processes: list[Process] = []
        self.api_url = ""
        self.api_key = ""

    def run(self, *args: str) -> Process:
        name = f"{args[0]}-{len(self.processes)}"
        process = Process.start(name, [self.paylinks, *args], self.env, self.logs / f"{name}.log")
        self.processes.append(process)
        return process

    def start_api(self) -> Process:
        port = free_port()
        self.api_url = f"http://{HOST}:{port}"
        api = self.run("api", "--host", HOST, "--port", str(port))
        api.wait_for_http(f"{self.api_url}/health")
        return api


async def timed(request: Any) -> tuple[str, float]:
    started = time.monotonic()
    try:
        response = await request()
        outcome = str(response.status_code)
    except httpx.TimeoutException:
        outcome = "timeout"
    except httpx.HTTPError as error:
        outcome = type(error).__name__
    return outcome, time.monotonic() - started


async def until_ok(request: Any, limit: float) -> float | None:
    """Seconds until ``request()`` answers 200, or None after ``limit`` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        outcome, _ = await timed(request)
        if outcome == "200":
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    return None


async def store_and_links(client: httpx.AsyncClient) -> tuple[dict[str, str], list[str]]:
    email = f"faults-{uuid.uuid4().hex[:8]}@example.com"
    logs = [process.log for process in STARTED if process.log.exists()]
    sizes = {log: log.stat().st_size for log in logs}
    asked = await client.post(
        "/v1/auth/signup",
        json={
            "store_name": "Faults",
            "email": email,
            "password": "a-long-password-1",
            "currency": "GBP",
        },
    )
    asked.raise_for_status()
    token = await asyncio.to_thread(confirmation_token, logs, sizes)
    signup = await client.post("/v1/auth/signup/confirm", json={"token": token})
    signup.raise_for_status()
    auth = {"Authorization": f"Bearer {signup.json()['api_key']}"}
    await client.post("/v1/store/payments/activate", json={"gateway": "sandbox"}, headers=auth)
    links = []
    for n in range(6):
        body = {
            "title": f"Beans {n}",
            "amount": 500 + n,
            "type": "one_off" if n < 4 else "reusable",
        }
        links.append((await client.post("/v1/payment-links", json=body, headers=auth)).json()["id"])
    return auth, links


async def customer(
    client: httpx.AsyncClient, links: list[str], until: float, seen: Counter[str]
) -> None:
    while time.monotonic() < until:
        outcome, took = await timed(
            lambda: client.post(f"/v1/checkout/links/{random.choice(links)}/payments", json={})
        )
        seen[f"start {outcome}"] += 1
        seen["slower than 10 s"] += took > 10
        if outcome != "201":
            await asyncio.sleep(0.05)


async def terminated(system: System, database: Database, seconds: float = 20) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        auth, links = await store_and_links(client)
        system.api_key = auth["Authorization"].removeprefix("Bearer ")
        seen: Counter[str] = Counter()
        until = time.monotonic() + seconds
        shoppers = [asyncio.create_task(customer(client, links, until, seen)) for _ in range(12)]
        while time.monotonic() < until:
            await asyncio.sleep(1)
            await database.terminate()
        await asyncio.gather(*shoppers)
        read = await until_ok(lambda: client.get("/v1/payment-links", headers=auth), 30)
        health = await timed(lambda: client.get("/health/ready"))
        answers = ", ".join(f"{k} ×{v}" for k, v in sorted(seen.items()) if v)
        return {
            "answers during the faults": answers,
            "a read answers 200 after": "no answer in 30 s" if read is None else f"{read:.1f} s",
            "/health/ready": f"{health[0]} in {health[1] * 1000:.0f} ms",
            "connections to the database": str(await database.connections()),
        }


async def down(system: System, database: Database) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        auth, _ = await store_and_links(client)
        await database.allow(False)
        await database.terminate()
        read = await timed(lambda: client.get("/v1/payment-links", headers=auth))
        ready = await timed(lambda: client.get("/health/ready"))
        await database.allow(True)
        back = await until_ok(lambda: client.get("/v1/payment-links", headers=auth), 30)
    return {
        "a read while down": f"{read[0]} in {read[1]:.1f} s",
        "/health/ready while down": f"{ready[0]} in {ready[1]:.1f} s",
        "serving again after": "no answer in 30 s" if back is None else f"{back:.1f} s",
    }


async def killed(system: System, database: Database) -> dict[str, str]:
    api = next(p for p in system.processes if p.name.startswith("api"))
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        auth, _ = await store_and_links(client)
        bodies = {f"burst-{n}": {"title": f"Burst {n}", "amount": 100 + n} for n in range(60)}

        async def create(key: str, body: dict[str, Any]) -> str:
            outcome, _ = await timed(
                lambda: client.post(
                    "/v1/payment-links", json=body, headers={**auth, "Idempotency-Key": key}
                )
            )
            return outcome

        burst = [asyncio.create_task(create(key, body)) for key, body in bodies.items()]
        for answered in asyncio.as_completed(burst):
            await answered
            if sum(task.done() for task in burst) >= 10:
                break  # requests are being answered: others are in the middle of theirs
        api.popen.kill()
        api.popen.wait()
        first = Counter(await asyncio.gather(*burst))
    await asyncio.to_thread(system.start_api)
    await asyncio.sleep(LEASE_SECONDS + 1)
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        retried = Counter(
            [
                (
                    await client.post(
                        "/v1/payment-links", json=body, headers={**auth, "Idempotency-Key": key}
                    )
                ).status_code
                for key, body in bodies.items()
            ]
        )
    connection = await asyncpg.connect(database.url)
    try:
        twice = await connection.fetchval(
            "SELECT count(*) FROM (SELECT title FROM payment_link WHERE title LIKE 'Burst %' "
            "GROUP BY title HAVING count(*) > 1) AS t"
        )
    finally:
        await connection.close()
    return {
        "the burst before the kill": ", ".join(f"{k} ×{v}" for k, v in sorted(first.items())),
        "retries after the lease": ", ".join(f"{k} ×{v}" for k, v in sorted(retried.items())),
        "keys that made two links": str(twice),
    }


async def sigterm(system: System, database: Database) -> dict[str, str]:
    await terminated(system, database, seconds=10)  # what a pool may have lost, it has lost
    async with httpx.AsyncClient(base_url=system.api_url, timeout=60) as client:
        auth = {"Authorization": f"Bearer {system.api_key}"}
        await database.allow(False)
        await database.terminate()
        pending = [
            asyncio.create_task(timed(lambda: client.get("/v1/payment-links", headers=auth)))
            for _ in range(8)
        ]
        await asyncio.sleep(0.2)
        figures = {}
        running = [p for p in system.processes if p.popen.poll() is None]
        started = time.monotonic()
        for process in running:
            process.popen.terminate()
        for process in running:
            kind = process.name.split("-")[0]
            try:
                left = max(0.1, 45 - (time.monotonic() - started))
                await asyncio.to_thread(process.popen.wait, left)
                figures[f"{kind} exits after SIGTERM"] = f"{time.monotonic() - started:.1f} s"
            except subprocess.TimeoutExpired:
                process.popen.kill()
                figures[f"{kind} exits after SIGTERM"] = "not in 45 s (SIGKILL)"
        await asyncio.gather(*pending)
        await database.allow(True)
    return figures


def main(
    paylinks: Annotated[
        str, typer.Option(help="The paylinks command to measure (another checkout's venv)")
    ] = str(Path(sys.executable).parent / "paylinks"),
) -> None:
    database = Database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    asyncio.run(admin(f'CREATE DATABASE "{database.name}"'))
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            migrate = System(paylinks, database, Path(tmp)).run("migrate")
            migrate.popen.wait(180)
            for name, scenario in (
                ("terminated", terminated),
                ("down", down),
                ("killed", killed),
                ("SIGTERM", sigterm),
            ):
                out.print(f"[bold]{name}[/] …")
                # Fresh processes for each scenario: one that broke the last leaves no trace.
                with stopping([]) as processes:
                    system = System(paylinks, database, Path(tmp))
                    system.processes = processes
                    system.start_api()
                    system.run("worker", "--threads", "2")
                    time.sleep(3)
                    try:
                        figures = asyncio.run(scenario(system, database))
                    except Exception as error:
                        figures = {"failed": f"{type(error).__name__}: {error}"[:200]}
                    finally:
                        asyncio.run(database.allow(True))
                rows += [(name, what, figure) for what, figure in figures.items()]
    finally:
        asyncio.run(admin(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS true'))
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)'))
        redis.Redis.from_url(REDIS_URL).flushdb()
    table = Table(title=f"Database faults: {paylinks}")
    for column in ("scenario", "what", "figure"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    out.print(table)


if __name__ == "__main__":
    typer.run(main)
