"""What ``payments.py`` and ``webhooks.py`` share: a lean HTTP client that also sends bodies
and reads answers, the processes they start, store setup over HTTP, percentiles and CPU use.

The database, the floor's conventions and the CPU counters come from ``api_reads.py``.
"""

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import httpx
import msgspec
from api_reads import (
    HOST,
    SECRET_KEY,
    _Connection,
    _free_port,
    _machine_busy,
    _process_cpu,
)

__all__ = [
    "HOST",
    "SECRET_KEY",
    "SERVERS",
    "CpuMeter",
    "Exchange",
    "Pool",
    "Process",
    "Store",
    "connect",
    "cpu_note",
    "create_links",
    "family",
    "free_port",
    "granian_command",
    "paylinks_command",
    "percentile",
    "pids_named",
    "server_command",
    "setup_store",
    "stopping",
    "uvicorn_command",
    "wait_for_http",
]

free_port = _free_port
REQUEST_TIMEOUT = 30.0  # seconds; a request that takes longer fails and closes its connection
EMAIL = "bench@example.com"
PASSWORD = "bench pass 1"


# ---------------------------------------------------------------------------- the client


class Exchange(_Connection):
    """One keep-alive HTTP/1.1 connection that sends any method with a JSON body and keeps
    the answer's body: the lean client of ``api_reads.py`` (~0.1 ms of CPU a request,
    where httpx costs ~2 ms), so that the load generator does not take the server's core."""

    def __init__(self) -> None:
        super().__init__()
        self.body = bytearray()
        self.closed = False
        self.host = HOST
        self.head = b""

    def on_message_begin(self) -> None:
        self.body = bytearray()

    def on_body(self, data: bytes) -> None:
        self.body.extend(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        super().connection_lost(exc)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def request(self, method: str, path: str, json: Any = None) -> tuple[int, bytes]:
        """The status and body of one request; raises ConnectionError on a closed
        connection and TimeoutError (closing the connection) after ``REQUEST_TIMEOUT``."""
        if self.closed:
            raise ConnectionError("the connection is closed")
        lines = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n".encode() + self.head
        if json is None:
            message = lines + b"\r\n"
        else:
            body = msgspec.json.encode(json)
            message = (
                lines
                + b"Content-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
        try:
            status = await asyncio.wait_for(self.get(message), REQUEST_TIMEOUT)
        except TimeoutError:
            self.close()  # a late answer would be taken for the next request's
            raise
        return status, bytes(self.body)


async def connect(
    base_url: str, count: int, headers: Mapping[str, str] | None = None
) -> list[Exchange]:
    """``count`` open connections to ``base_url`` (``http://host:port``)."""
    host, port = base_url.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()).encode()
    loop = asyncio.get_running_loop()
    connections = []
    for _ in range(count):
        _, connection = await loop.create_connection(Exchange, host, int(port))
        connection = cast(Exchange, connection)
        connection.host, connection.head = host, head
        connections.append(connection)
    return connections


class Pool:
    """Connections opened on demand and reused, for open-loop load (a request goes out on
    time whether or not the earlier ones were answered)."""

    def __init__(self, base_url: str, headers: Mapping[str, str] | None = None) -> None:
        self.base_url = base_url
        self.headers = headers
        self.idle: list[Exchange] = []

    async def request(self, method: str, path: str, json: Any = None) -> tuple[int, bytes]:
        connection = None
        while self.idle and connection is None:
            candidate = self.idle.pop()
            connection = None if candidate.closed else candidate
        if connection is None:
            connection = (await connect(self.base_url, 1, self.headers))[0]
        try:
            answer = await connection.request(method, path, json)
        except BaseException:
            connection.close()
            raise
        if not connection.closed:
            self.idle.append(connection)
        return answer

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


# ---------------------------------------------------------------------------- processes


#: Every process the benchmark started, in order (their logs carry the sign-up links).
STARTED: list["Process"] = []


@dataclass
class Process:
    """A process this benchmark started, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @classmethod
    def start(
        cls,
        name: str,
        command: list[str],
        env: Mapping[str, str],
        log: Path,
        cwd: Path | None = None,
    ) -> "Process":
        # Wide enough that a rich log handler writes each record on one line (the sign-up
        # link is read from the log).
        env = {"COLUMNS": "10000", **env}
        with log.open("ab") as sink:
            popen = subprocess.Popen(
                command, env=dict(env), cwd=cwd, stdout=sink, stderr=subprocess.STDOUT
            )
        started = cls(name, popen, log)
        STARTED.append(started)
        return started

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def wait_for_http(self, url: str, seconds: float = 120) -> None:
        """Until ``url`` answers 200; raises with the end of the log if the process exits."""
        try:
            wait_for_http(url, lambda: self.popen.poll() is None, self.name, seconds)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{self.tail()}") from None

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL if it has not stopped within ``timeout`` seconds."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def wait_for_http(url: str, is_alive: Callable[[], bool], name: str, seconds: float = 120) -> None:
    """Until ``url`` answers 200 (a loaded machine takes many seconds to import the app)."""
    deadline = time.monotonic() + seconds
    while True:
        if not is_alive():
            raise RuntimeError(f"{name} exited")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer {url} within {seconds:g} s")
        time.sleep(0.1)


@contextlib.contextmanager
def stopping(processes: list[Process]) -> Iterator[list[Process]]:
    """Stops every process put in the list, last started first, however the block ends."""
    try:
        yield processes
    finally:
        for process in reversed(processes):
            process.stop()


def uvicorn_command(target: str, port: int, *, factory: bool, workers: int = 1) -> list[str]:
    """uvicorn on uvloop and httptools serving ``module:attribute`` of bench/."""
    return [
        sys.executable, "-m", "uvicorn", target, *(["--factory"] if factory else []),
        "--app-dir", str(Path(__file__).parent), "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
        "--log-level", "warning", "--no-access-log", "--no-server-header",
        "--timeout-keep-alive", "60",
    ]  # fmt: skip


def granian_command(target: str, port: int, *, factory: bool, workers: int = 1) -> list[str]:
    """granian (Rust HTTP/1.1 on Tokio, the app's asyncio loop on uvloop, ASGI with its
    lifespan) serving ``module:attribute`` of bench/, as ``uvicorn_command`` does."""
    return [
        str(Path(sys.executable).parent / "granian"), "--interface", "asgi",
        *(["--factory"] if factory else []), "--working-dir", str(Path(__file__).parent),
        "--host", HOST, "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
        "--http", "1", "--log-level", "warning", "--no-access-log", target,
    ]  # fmt: skip


#: The ASGI servers the benches can run the app under, by name (``--server``).
SERVERS = {"uvicorn": uvicorn_command, "granian": granian_command}


def server_command(
    server: str, target: str, port: int, *, factory: bool, workers: int = 1
) -> list[str]:
    """The command that serves ``target`` under ``server`` (a key of ``SERVERS``)."""
    return SERVERS[server](target, port, factory=factory, workers=workers)


def paylinks_command(*args: str) -> list[str]:
    """The ``paylinks`` CLI of this environment (what ``uv run paylinks`` runs)."""
    return [str(Path(sys.executable).parent / "paylinks"), *args]


# ---------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Store:
    store_id: str
    api_key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


#: The link an API without SMTP writes to its log for a sign-up (its development fallback).
CONFIRM_LINK = re.compile(r"Sign-up confirmation for \S+: \S+/signup/confirm\?token=([\w%.=-]+)")


def confirmation_token(logs: list[Path], sizes: dict[Path, int], seconds: float = 10) -> str:
    """The token of the first sign-up link written to ``logs`` past ``sizes``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for log in logs:
            found = CONFIRM_LINK.search(log.read_bytes()[sizes[log] :].decode(errors="replace"))
            if found:
                return unquote(found.group(1))
        time.sleep(0.05)
    raise RuntimeError("The API wrote no sign-up link to its log (is SMTP configured?).")


def setup_store(base_url: str) -> Store:
    """A store signed up (the emailed link read from the API's log, as a local user would
    follow it) and activated on the sandbox gateway, over HTTP like a merchant."""
    logs = [process.log for process in STARTED if process.log.exists()]
    sizes = {log: log.stat().st_size for log in logs}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post(
            "/v1/auth/signup",
            json={"store_name": "Bench Coffee", "email": EMAIL, "password": PASSWORD,
                  "currency": "GBP"},
        ).raise_for_status()  # fmt: skip
        token = confirmation_token(logs, sizes)
        signup = client.post("/v1/auth/signup/confirm", json={"token": token})
        signup.raise_for_status()
        store = Store(signup.json()["store_id"], signup.json()["api_key"])
        client.post(
            "/v1/store/payments/activate", json={"gateway": "sandbox"}, headers=store.auth
        ).raise_for_status()
    return store


def create_links(base_url: str, store: Store, count: int, **fields: Any) -> list[str]:
    """``count`` payment links (reusable, £15.00 unless ``fields`` say otherwise)."""
    ids = []
    with httpx.Client(base_url=base_url, timeout=30, headers=store.auth) as client:
        for n in range(count):
            body = {"title": f"Espresso beans, batch {n}", "amount": 1500, **fields}
            answer = client.post("/v1/payment-links", json=body)
            answer.raise_for_status()
            ids.append(answer.json()["id"])
    return ids


# ---------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
    """Nearest rank, as ``api_reads.Measurement.percentile``; NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def pids_named(name: str) -> list[int]:
    """Every process whose command name is ``name`` (``postgres``, ``redis-server``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
    return pids


class CpuMeter:
    """CPU used by groups of processes between ``start()`` and ``stop()``, plus this process
    (the load client) and every other process of the machine ("others").

    A group is a list of pids, or a command name (``postgres``) or a function whose
    processes are looked up at each sample, so that a connection's backend started in the
    window counts.
    """

    def __init__(self, groups: Mapping[str, list[int] | str | Callable[[], list[int]]]) -> None:
        self.groups = dict(groups)
        self._began: dict[str, dict[int, float]] = {}
        self._began_at = 0.0
        self.seconds: dict[str, float] = {}  # CPU seconds by group
        self.wall = 0.0

    def _sample(self) -> dict[str, dict[int, float]]:
        sample = {}
        for name, pids in self.groups.items():
            if callable(pids):
                found = pids()  # looked up at each sample: a pool opens connections late
            else:
                found = pids_named(pids) if isinstance(pids, str) else pids
            sample[name] = {pid: _process_cpu(pid) for pid in found}
        sample["client"] = {0: time.process_time()}
        sample["machine"] = {0: _machine_busy()}
        return sample

    def start(self) -> None:
        self._began = self._sample()
        self._began_at = time.monotonic()

    def stop(self) -> dict[str, float]:
        """CPU cores used by each group, and by the others."""
        end = self._sample()
        self.wall = time.monotonic() - self._began_at
        used = {
            name: sum(cpu - self._began[name].get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in end.items()
        }
        machine = used.pop("machine")
        used["others"] = max(0.0, machine - sum(used.values()))
        self.seconds = used
        return self.cores

    @property
    def cores(self) -> dict[str, float]:
        return {name: seconds / self.wall for name, seconds in self.seconds.items()}

    def per(self, count: int, group: str) -> float:
        """Milliseconds of ``group``'s CPU per operation, for ``count`` operations."""
        return self.seconds[group] * 1000 / count if count else float("nan")

    def text(self) -> str:
        cores = self.cores
        return " / ".join(f"{cores[name]:.2f}" for name in self.columns())

    def columns(self) -> list[str]:
        return [*self.groups, "client", "others"]


def cpu_note() -> str:
    return (
        f"CPU cores used during the measured window (this machine has {os.cpu_count()}); "
        "'client' is the benchmark process driving the load; 'others' is every other process "
        "on the machine (a high figure means a busy, shared machine)."
    )
