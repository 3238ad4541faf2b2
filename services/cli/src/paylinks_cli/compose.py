"""The API as the ``paylinks`` command serves it: under uvicorn, with the worker's jobs in
its own process on the embedded default (no broker URL)."""

import asyncio
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from litestar import Litestar

from paylinks.clock import Clock, utc_now
from paylinks.settings import Settings
from paylinks_api import app as api
from paylinks_api.jobs import JobRuntime
from paylinks_cli.logs import log_config
from paylinks_cli.runtime import database, settings_or_exit
from paylinks_worker.runtime import WorkerRuntime

#: Seconds that requests in flight get to finish after SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 10
#: What ``paylinks api --workers N`` has each of its processes import and call.
APP_FACTORY = "paylinks_cli.compose:app_from_environment"


def embedded_jobs(settings: Settings) -> JobRuntime:
    """The worker's Dramatiq workers and scheduler inside the API process (a StubBroker),
    on the API's database engine."""
    return WorkerRuntime(settings, own_engine=False)


def create_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    auto_migrate: bool | None = None,
    run_jobs: bool | None = None,
    route_handlers: list[Any] | None = None,
) -> Litestar:
    """The API, running the background jobs in this process when ``run_jobs`` (by default
    when there is no broker URL to send them to)."""
    jobs_here = not settings.broker_url if run_jobs is None else run_jobs
    return api.create_app(
        settings,
        clock=clock,
        auto_migrate=auto_migrate,
        jobs=embedded_jobs if jobs_here else None,
        route_handlers=route_handlers,
    )


def app_from_environment() -> Litestar:
    """The app of one of several API processes: settings from the environment, the
    database already migrated by the command that started them."""
    return create_app(settings_or_exit(), auto_migrate=False)


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """The API under uvicorn until stopped, in ``workers`` processes."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "log_config": log_config(settings.log_format),
        "proxy_headers": False,
        "server_header": False,
        # On SIGTERM, requests in flight get this long to finish; then the app shuts down
        # (its pool closes within its own grace), well inside the 30 s a process has.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    if settings.is_sqlite:

        async def migrated() -> None:
            async with database(settings):
                pass

        # Once here, rather than by every process at the same time.
        asyncio.run(migrated())
    # Each process builds its own app (and pool) from the same environment. Importing the
    # app takes seconds of CPU: on a busy machine more than uvicorn's 5 s for a new
    # process to answer, after which it would kill and restart it, again and again.
    with shared_metrics():
        uvicorn.run(
            APP_FACTORY, factory=True, workers=workers, timeout_worker_healthcheck=120, **options
        )


@contextmanager
def shared_metrics() -> Iterator[None]:
    """Where the API processes write their metrics, so that the one a scrape reaches
    answers for all (prometheus-client's multiprocess mode, which the processes take up
    from the environment as they start): the operator's PROMETHEUS_MULTIPROC_DIR, emptied
    of an earlier run's files, or a private temporary directory, removed at the end."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        yield
        return
    with tempfile.TemporaryDirectory(prefix="paylinks-metrics-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
