"""Real ``paylinks`` processes for end-to-end tests: API servers and workers sharing one
PostgreSQL database and one Redis database, started, watched and always stopped."""

import asyncio
import concurrent.futures
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis

from tests.factories import LogMailbox

POSTGRES_ADMIN_URL = os.environ.get(
    "PAYLINKS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_SERVER_URL = os.environ.get("PAYLINKS_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("PAYLINKS_TEST_REDIS_DB", "7"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SECRET_KEY = "e2e-secret-key-" + "s" * 40
HEARTBEATS = "dramatiq:__heartbeats__"
ACCESS_LOG = re.compile(r'" \d{3} [A-Z]')
START_WITHIN = 120.0
STOP_WITHIN = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def paylinks_command() -> list[str]:
    """The ``paylinks`` script of this virtualenv (or the one on PATH)."""
    script = Path(sys.executable).parent / "paylinks"
    found = str(script) if script.is_file() else shutil.which("paylinks")
    assert found, "the paylinks script is not installed: run uv sync"
    return [found]


def run_sync(coroutine: Any) -> Any:
    """Run a coroutine from sync code, even while an event loop runs in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def require_servers() -> None:
    """Fail under CI, skip elsewhere, when PostgreSQL or Redis is not reachable."""

    async def postgres() -> str | None:
        try:
            connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}"
        await connection.close()
        return None

    problems = [run_sync(postgres())]
    try:
        redis.Redis.from_url(REDIS_SERVER_URL, socket_timeout=3).ping()
    except redis.RedisError as error:
        problems.append(f"Redis is not reachable at {REDIS_SERVER_URL}: {error}")
    found = [problem for problem in problems if problem]
    if found:
        if IN_CI:
            pytest.fail("; ".join(found))
        pytest.skip("; ".join(found) + " (CI runs both)")


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_database() -> str:
    name = f"paylinks_e2e_{uuid.uuid4().hex[:12]}"
    run_sync(_admin(f'CREATE DATABASE "{name}"'))
    return name


def drop_database(name: str) -> None:
    run_sync(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Process:
    """One ``paylinks`` command, its stdout and stderr in a file of its own."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        # How much it had written when told to stop: what follows is its shutdown.
        self.stopped_at: int | None = None
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            [*paylinks_command(), *args],
            env=env,
            cwd=logs,  # no stray .env file is read
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        if self.alive:
            if self.stopped_at is None:
                self.stopped_at = len(self.output())
            self.popen.send_signal(signal.SIGTERM)

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it does not stop in time; returns the exit status."""
        if self.alive:
            self.terminate()
            try:
                self.popen.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(STOP_WITHIN)
        self._log.close()
        return self.popen.returncode

    def kill(self) -> None:
        """SIGKILL: no chance to finish or tidy up."""
        if self.alive:
            self.stopped_at = len(self.output())
            self.popen.kill()
            self.popen.wait(STOP_WITHIN)
        self._log.close()


def stop_all(processes: Iterable[Process]) -> None:
    """SIGTERM to all at once, then wait for each (SIGKILL the late ones)."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop()


class Api(Process):
    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(name, ["api", "--host", "127.0.0.1", "--port", str(self.port)], env, logs)

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


class Worker(Process):
    def __init__(
        self, name: str, env: dict[str, str], logs: Path, threads: int, broker_url: str
    ) -> None:
        self.broker_url = broker_url
        super().__init__(name, ["worker", "--threads", str(threads)], env, logs)


class Cluster:
    """API and worker processes on one database and one Redis database."""

    def __init__(self, database_url: str, broker_url: str, logs: Path) -> None:
        self.database_url = database_url
        self.broker_url = broker_url
        self.logs = logs
        self.redis = redis.Redis.from_url(broker_url)
        self.apis: list[Api] = []
        self.workers: list[Worker] = []
        self.every: list[Process] = []
        self._names: dict[str, int] = {}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
            "PAYLINKS_DATABASE_URL": database_url,
            "PAYLINKS_BROKER_URL": broker_url,
            "PAYLINKS_SECRET_KEY": SECRET_KEY,
            "PAYLINKS_DATA_DIR": str(logs / "data"),
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "100000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "100000",
            "PAYLINKS_RESERVATION_SECONDS": "30",
            "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
            "PYTHONUNBUFFERED": "1",
        }

    def _name(self, kind: str) -> str:
        self._names[kind] = self._names.get(kind, 0) + 1
        return f"{kind}-{self._names[kind]}"

    def migrate(self) -> None:
        done = subprocess.run(
            [*paylinks_command(), "migrate"],
            env=self.env,
            cwd=self.logs,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"paylinks migrate failed:\n{done.stdout}\n{done.stderr}"

    def mailbox(self) -> LogMailbox:
        """The API processes' logs from now on, where they write sign-up links (no SMTP)."""
        return LogMailbox(*(api.log_path for api in self.apis))

    def start_apis(self, count: int) -> list[Api]:
        started = [Api(self._name("api"), self.env, self.logs) for _ in range(count)]
        self.apis += started
        self.every += started
        return started

    def start_workers(
        self, count: int, *, threads: int = 2, broker_url: str | None = None
    ) -> list[Worker]:
        env = {**self.env, "PAYLINKS_BROKER_URL": broker_url or self.broker_url}
        started = [
            Worker(self._name("worker"), env, self.logs, threads, env["PAYLINKS_BROKER_URL"])
            for _ in range(count)
        ]
        self.workers += started
        self.every += started
        return started

    def wait_ready(
        self,
        apis: Iterable[Api] = (),
        workers: Iterable[Worker] = (),
        known: set[bytes] | frozenset[bytes] = frozenset(),
    ) -> None:
        """Until every API answers /health and every worker heartbeats in Redis, beside
        the ``known`` heartbeats from before they started (only workers on this cluster's
        Redis can)."""
        apis, workers = list(apis), list(workers)
        deadline = time.monotonic() + START_WITHIN
        while True:
            for process in [*apis, *workers]:
                if not process.alive:
                    raise AssertionError(
                        f"{process.name} exited with {process.popen.returncode}:\n"
                        + process.output()[-5000:]
                    )
            pending_apis = [api for api in apis if not api.ready()]
            beating = len(self.heartbeats() - known)
            if not pending_apis and beating >= len(workers):
                return
            if time.monotonic() > deadline:
                names = [api.name for api in pending_apis]
                raise AssertionError(
                    f"not ready in {START_WITHIN:.0f}s: APIs {names}, "
                    f"{beating}/{len(workers)} new worker heartbeats\n" + self.report()
                )
            time.sleep(0.2)

    def heartbeats(self) -> set[bytes]:
        return set(self.redis.zrange(HEARTBEATS, 0, -1))

    def live_workers(self) -> list[Worker]:
        return [w for w in self.workers if w.alive and w.broker_url == self.broker_url]

    def use_workers(self, count: int, threads: int = 2) -> list[Worker]:
        """Exactly ``count`` running workers on the real Redis, and no other worker."""
        keep = self.live_workers()[:count]
        stop_all([worker for worker in self.workers if worker not in keep])
        self.workers = list(keep)
        known = self.heartbeats()
        started = self.start_workers(count - len(keep), threads=threads)
        self.wait_ready(workers=started, known=known)
        return self.workers

    def stop_workers(self) -> None:
        stop_all(self.workers)
        self.workers = []

    def report(self, since: dict[str, int] | None = None, lines: int = 150) -> str:
        """Each process's output (since the given offsets) but the access log, the last
        ``lines`` lines."""
        parts = []
        for process in self.every:
            text = process.output()[(since or {}).get(process.name, 0) :]
            kept = [line for line in text.splitlines() if not ACCESS_LOG.search(line)]
            tail = "\n".join(kept[-lines:])
            state = "running" if process.alive else f"exited {process.popen.returncode}"
            parts.append(f"----- {process.name} ({state}) {process.log_path} -----\n{tail}")
        return "\n".join(parts)

    def offsets(self) -> dict[str, int]:
        return {process.name: len(process.output()) for process in self.every}

    def crashes(
        self,
        since: dict[str, int],
        expected: Callable[[Process], bool],
        *,
        shutdown: bool = False,
    ) -> list[str]:
        """Tracebacks logged since ``since`` by processes not expected to log errors,
        while they ran (and as they stopped, with ``shutdown``)."""
        found = []
        for process in self.every:
            if expected(process):
                continue
            end = None if shutdown else process.stopped_at
            text = process.output()[since.get(process.name, 0) : end]
            if "Traceback" in text:
                start = text.index("Traceback")
                found.append(f"{process.name}:\n{text[max(0, start - 500) : start + 4000]}")
        return found


class SwitchableLink:
    """A TCP port in front of a server that the test switches on and off: while off
    nothing listens (connections are refused, as when the server is down)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def up(self) -> None:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)

    async def down(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)


async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Bytes from ``source`` to ``sink`` until either side closes."""
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        sink.close()
