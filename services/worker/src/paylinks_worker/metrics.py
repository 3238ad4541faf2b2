"""The worker's Prometheus metrics, served by ``paylinks worker --metrics-port``: the jobs
run by actor and result, the outcomes its jobs reach (webhook attempts, refunds,
payments: ``paylinks.metrics``), and, read at scrape time, the outbox lag and the job
queue depth. One worker process is one scrape target (its job threads share its
counters), so no multiprocess mode here.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from dramatiq import Broker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware
from prometheus_client import REGISTRY, Counter, start_http_server
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from paylinks.clock import utc_now
from paylinks.events import repository as events
from paylinks.metrics import count_outcomes, outbox_lag, outbox_lag_family, queue_depth_family

log = logging.getLogger(__name__)

#: Seconds a scrape waits for the database's answer about the outbox.
SCRAPE_TIMEOUT = 2.0

JOBS = Counter(
    "paylinks_jobs", "Background jobs run, by actor and result (done, failed)", ["actor", "result"]
)


class JobMetrics(Middleware):
    """Counts each job run (a retried job counts once per run)."""

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        JOBS.labels(message.actor_name, "failed" if exception else "done").inc()


class ScrapeTime(Collector):
    """The outbox lag (asked of the database on the worker's event loop, where its engine
    lives) and the queue depth, at each scrape."""

    def __init__(self, queue_depth: Callable[[], dict[str, int]]) -> None:
        self.queue_depth = queue_depth

    def collect(self) -> Iterable[Metric]:
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            future = asyncio.run_coroutine_threadsafe(events.oldest_unrelayed(), loop_thread.loop)
            try:
                oldest = future.result(timeout=SCRAPE_TIMEOUT)
            except Exception as error:
                # A scrape goes on without the lag rather than failing: the database being
                # down shows in the readiness checks and the jobs' failures.
                future.cancel()
                log.warning("Metrics: the outbox lag is unknown: %s", type(error).__name__)
            else:
                yield outbox_lag_family(outbox_lag(oldest, utc_now()))
        yield queue_depth_family(self.queue_depth())


def serve_metrics(host: str, port: int, queue_depth: Callable[[], dict[str, int]]) -> Any:
    """Serve the process's metrics on ``host:port`` in a thread; returns the server (to
    ``shutdown()``)."""
    count_outcomes()
    REGISTRY.register(ScrapeTime(queue_depth))
    server, _thread = start_http_server(port, addr=host)
    return server
