"""The Prometheus metrics that the API and the worker share (a job may run in either): the
outcomes that ``paylinks.outcomes`` reports, as counters, and the families read at
scrape time (the outbox lag, the job queue depth). The only module of the core that knows
Prometheus: the use cases report to ``outcomes``, and ``count_outcomes`` makes these
counters listen.

The counters live in the process's default registry (or, under PROMETHEUS_MULTIPROC_DIR,
in its files), so whatever serves the process's metrics serves these too.
"""

from collections.abc import Iterable
from datetime import datetime

from prometheus_client import Counter, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from paylinks.job_queue import QUEUE
from paylinks.outcomes import Subject, listen

# The ``_created`` series double every counter for a timestamp no dashboard reads.
disable_created_metrics()  # type: ignore[no-untyped-call]

PAYMENTS = Counter(
    "paylinks_payments", "Payments decided, by outcome (succeeded, failed, canceled)", ["outcome"]
)
REFUNDS = Counter(
    "paylinks_refunds",
    "Refunds created (pending) and settled (succeeded, failed), by outcome",
    ["outcome"],
)
WEBHOOK_ATTEMPTS = Counter(
    "paylinks_webhook_attempts",
    "Webhook delivery attempts, by result (succeeded, rejected, unreachable, endpoint_gone)",
    ["result"],
)

_COUNTERS = {
    Subject.PAYMENT: PAYMENTS,
    Subject.REFUND: REFUNDS,
    Subject.WEBHOOK_ATTEMPT: WEBHOOK_ATTEMPTS,
}


def _count(subject: Subject, outcome: str) -> None:
    _COUNTERS[subject].labels(outcome).inc()


def count_outcomes() -> None:
    """Count the core's outcomes from now on (idempotent)."""
    listen(_count)


def outbox_lag(oldest: datetime | None, now: datetime) -> float:
    """Seconds the oldest event still to relay has waited (0 with none waiting)."""
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def outbox_lag_family(seconds: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "paylinks_outbox_lag_seconds",
        "Age of the oldest outbox event not yet relayed to the jobs (0: none waiting)",
        value=seconds,
    )


def queue_depth_family(depths: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "paylinks_job_queue_depth",
        "Background jobs waiting in the queue: ready to run, or waiting out a retry delay",
        labels=["queue", "state"],
    )
    for state, depth in depths.items():
        family.add_metric([QUEUE, state], depth)
    return family


class Snapshot(Collector):
    """Families read just now, for one scrape."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families
