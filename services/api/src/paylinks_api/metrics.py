"""``GET /metrics``: the API's Prometheus metrics (SPEC §10).

- requests by method, route *template* (``/v1/payment-links/{link_id}``, never the
  raw path: ids would make a series each) and status, with a latency histogram — counted
  by the ``Edge``, which sees every exchange;
- payments, refunds and webhook attempts by outcome (``paylinks.outcome_metrics``);
- read at scrape time: the outbox lag (age of the oldest event not yet relayed) and the
  job queue depth (the Redis lists when a broker is configured, else the in-process queue).

Several ``paylinks api --workers N`` processes answer on one port, so a scrape reaches
one of them at random: under ``PROMETHEUS_MULTIPROC_DIR`` (which the command sets for
N > 1) every process writes its counters there and any one of them serves the sum.

Not in the OpenAPI document: it is for the operator's scraper, not the API's clients.
With ``PAYLINKS_METRICS_TOKEN`` set it wants ``Authorization: Bearer <token>``.
"""

import hmac
import os
from collections.abc import Awaitable, Iterable
from typing import cast

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.asyncio import Redis

from paylinks.errors import Unauthorized
from paylinks.events import repository as events
from paylinks.job_queue import REDIS_LISTS
from paylinks.metrics import (
    Snapshot,
    count_outcomes,
    outbox_lag,
    outbox_lag_family,
    queue_depth_family,
)
from paylinks_api.deps import Ctx

#: The route of a request that matched none (a 404 of any path is one series).
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "paylinks_http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "paylinks_http_request_duration_seconds",
    "Time to answer an HTTP request (to the end of its body), by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    template = route or UNMATCHED
    REQUESTS.labels(method, template, str(status)).inc()
    LATENCY.labels(method, template).observe(seconds)


async def redis_queue_depth(client: Redis) -> dict[str, int]:
    # redis-py types its commands for both of its clients: the asyncio one awaits them.
    return {
        state: int(await cast(Awaitable[int], client.llen(key)))
        for state, key in REDIS_LISTS.items()
    }


def exposition(snapshot: Iterable[Metric]) -> bytes:
    """The process's metrics (every process's, in multiprocess mode) and ``snapshot``."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        MultiProcessCollector(base)  # type: ignore[no-untyped-call]
    else:
        base = REGISTRY
    now = CollectorRegistry()
    now.register(Snapshot(snapshot))
    return generate_latest(base) + generate_latest(now)


def _check_token(request: Request[object, object, State], token: str) -> None:
    if not token:
        return
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Unauthorized("The metrics want the PAYLINKS_METRICS_TOKEN as a bearer token.")


def metrics_route(token: str) -> HTTPRouteHandler:
    """The ``GET /metrics`` handler, guarded by ``token`` when it is set."""
    count_outcomes()

    @get("/metrics", include_in_schema=False)
    async def metrics(
        request: Request[object, object, State], state: State, ctx: Ctx
    ) -> Response[bytes]:
        _check_token(request, token)
        families: list[Metric] = [
            outbox_lag_family(outbox_lag(await events.oldest_unrelayed(), ctx.clock()))
        ]
        redis: Redis | None = state.get("redis")
        jobs = state.get("jobs")
        if redis is not None:
            families.append(queue_depth_family(await redis_queue_depth(redis)))
        elif jobs is not None:
            families.append(queue_depth_family(jobs.queue_depth()))
        return Response(exposition(families), media_type=CONTENT_TYPE_LATEST)

    return metrics
