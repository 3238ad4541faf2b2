"""The jobs. Each is idempotent and takes ids, so that a redelivered message is harmless.

Actors are declared on a given broker (not the global one at import), so that the API,
tests and ``paylinks worker`` each choose theirs.
"""

from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq import Broker

from paylinks.clock import utc_now
from paylinks.refunds import service as refunds
from paylinks_worker.context import WorkerContext

PROCESS_REFUND = "process_refund"


def declare_actors(broker: Broker, ctx: WorkerContext) -> dict[str, dramatiq.Actor[Any, Any]]:
    async def process_refund(refund_id: str) -> None:
        """Submit a refund to its gateway and settle it once the gateway has an outcome."""
        await refunds.process_refund(refund_id, ctx.gateways, ctx.urls, utc_now())

    jobs: dict[str, Callable[..., Any]] = {PROCESS_REFUND: process_refund}
    return {
        name: dramatiq.actor(
            actor_name=name,
            broker=broker,
            max_retries=8,
            min_backoff=1_000,
            max_backoff=300_000,
        )(fn)
        for name, fn in jobs.items()
    }
