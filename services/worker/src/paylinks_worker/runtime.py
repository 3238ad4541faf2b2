"""Running the jobs: in the API process on the embedded default (a StubBroker and worker
threads), or as ``paylinks worker`` processes against Redis.

Dramatiq runs async actors on an event loop thread of its own; the database engine used
there is opened on that loop (an asyncpg pool must never cross event loops).
"""

import asyncio
import concurrent.futures
import logging
import signal
import threading
from typing import Any, cast

import dramatiq
from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name
from dramatiq.middleware import AsyncIO, Middleware
from piccolo.engine.base import Engine

from paylinks.db import engine as db
from paylinks.job_queue import QUEUE, REDIS_LISTS
from paylinks.metrics import count_outcomes
from paylinks.settings import Settings
from paylinks_worker.actors import declare_actors
from paylinks_worker.context import WorkerContext
from paylinks_worker.metrics import JobMetrics, serve_metrics
from paylinks_worker.outbox_signal import CommitSignal
from paylinks_worker.scheduler import Scheduler

log = logging.getLogger(__name__)

#: Milliseconds an idle Redis consumer waits at most between two fetches (Dramatiq backs
#: off from 5 ms up to this). Dramatiq has no blocking fetch, so this bounds the latency a
#: job waits on an idle worker; each fetch costs a Redis round trip.
WORKER_TIMEOUT_MS = 100
#: Milliseconds that jobs still running at shutdown get to finish (a job interrupted
#: later is retried: every job is idempotent). With the scheduler's 5 s and the pool's
#: grace, a stopping worker is gone well within 30 s.
STOP_TIMEOUT_MS = 8_000
#: Seconds the scheduler gets to finish its pass at shutdown.
SCHEDULER_STOP_SECONDS = 5


class Database(Middleware):
    """The worker's own engine (when no other runtime in this process bound one).

    Registered after Dramatiq's AsyncIO middleware: "after" hooks run in reverse order,
    so at shutdown its pool closes once the worker threads finished their jobs and before
    the event loop stops. Until the pool is open, queries use plain connections, which
    work on any loop.
    """

    def __init__(self, settings: Settings, own_engine: bool) -> None:
        self.settings = settings
        self.own_engine = own_engine
        self.engine: Engine[Any] | None = None

    def before_worker_boot(self, broker: Broker, worker: Worker) -> None:
        if self.own_engine:
            self.engine = db.engine_for(self.settings)
            db.bind(self.engine)

    def after_worker_boot(self, broker: Broker, worker: Worker) -> None:
        loop_thread = get_event_loop_thread()
        if self.engine is not None and loop_thread is not None:
            loop_thread.run_coroutine(db.start(self.engine))

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        loop_thread = get_event_loop_thread()
        if self.engine is not None and loop_thread is not None:
            loop_thread.run_coroutine(db.stop(self.engine))


def make_broker(settings: Settings, *, own_engine: bool) -> Broker:
    broker: Broker
    if settings.broker_url:
        broker = RedisBroker(url=settings.broker_url)  # type: ignore[no-untyped-call]
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(AsyncIO())
    broker.add_middleware(Database(settings, own_engine))
    broker.add_middleware(JobMetrics())
    dramatiq.set_broker(broker)
    return broker


class WorkerRuntime:
    """Dramatiq workers plus the scheduler, started and stopped as one."""

    def __init__(self, settings: Settings, *, own_engine: bool, threads: int = 2) -> None:
        self.broker = make_broker(settings, own_engine=own_engine)
        count_outcomes()
        declare_actors(self.broker, WorkerContext.from_settings(settings))
        self.broker.declare_queue(QUEUE)
        self.worker = Worker(self.broker, worker_threads=threads, worker_timeout=WORKER_TIMEOUT_MS)
        signal = None if settings.is_sqlite else CommitSignal(settings.database_url)
        self.scheduler = Scheduler(self.broker, signal, settings.retention)
        self._scheduled: concurrent.futures.Future[Any] | None = None

    def start(self) -> None:
        self.worker.start()
        loop_thread = get_event_loop_thread()
        assert loop_thread is not None
        self._scheduled = asyncio.run_coroutine_threadsafe(self.scheduler.run(), loop_thread.loop)

    def stop(self) -> None:
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            loop_thread.loop.call_soon_threadsafe(self.scheduler.stop)
        if self._scheduled is not None:
            try:
                self._scheduled.result(timeout=SCHEDULER_STOP_SECONDS)
            except Exception:
                log.exception("The scheduler did not stop cleanly")
        self.worker.stop(timeout=STOP_TIMEOUT_MS)
        self.broker.close()

    def queue_depth(self) -> dict[str, int]:
        """Jobs waiting, by state: ``ready`` to be taken, ``delayed`` until a retry."""
        if isinstance(self.broker, RedisBroker):
            client = self.broker.client
            return {state: int(cast(int, client.llen(key))) for state, key in REDIS_LISTS.items()}
        queues = cast(StubBroker, self.broker).queues
        return {"ready": queues[QUEUE].qsize(), "delayed": queues[dq_name(QUEUE)].qsize()}

    def join(self, timeout_ms: int = 30_000) -> None:
        """Wait until every queued job has run (tests and the embedded default)."""
        self.broker.join(QUEUE, timeout=timeout_ms)
        self.worker.join()


def serve(settings: Settings, threads: int, metrics: tuple[str, int] | None = None) -> None:
    """Run until SIGINT or SIGTERM (``paylinks worker``), serving the metrics on
    ``metrics`` (host, port) if given."""
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    runtime = WorkerRuntime(settings, own_engine=True, threads=threads)
    runtime.start()
    server = serve_metrics(*metrics, runtime.queue_depth) if metrics else None
    log.info("paylinks worker running with %d threads", threads)
    stopping.wait()
    if server is not None:
        server.shutdown()
    runtime.stop()
