"""The jobs. Each is idempotent and takes ids, so that a redelivered message is harmless.

Actors are declared on a given broker (not the global one at import), so that the API,
tests and ``paylinks worker`` each choose theirs.
"""

from collections.abc import Callable
from typing import Any

import dramatiq
import httpx
from dramatiq import Broker

from paylinks.clock import utc_now
from paylinks.messages import service as messages
from paylinks.refunds import service as refunds
from paylinks.webhooks import service as webhooks
from paylinks_worker.context import WorkerContext

PROCESS_REFUND = "process_refund"
DELIVER_WEBHOOK = "deliver_webhook"
SEND_MESSAGE = "send_message"
QUEUE = "default"


def enqueue(broker: Broker, actor_name: str, *args: str) -> None:
    """Send a job by actor name (the senders never import the actor functions)."""
    broker.enqueue(
        dramatiq.Message(queue_name=QUEUE, actor_name=actor_name, args=args, kwargs={}, options={})
    )


def declare_actors(broker: Broker, ctx: WorkerContext) -> dict[str, dramatiq.Actor[Any, Any]]:
    clients: dict[int, httpx.AsyncClient] = {}
    signing_keys = webhooks.SigningKeys(ctx.cipher)

    def http_client() -> httpx.AsyncClient:
        # One pooled client for the worker's event loop (actors all run on it).
        if not clients:
            clients[0] = httpx.AsyncClient(
                http2=False, limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
            )
        return clients[0]

    async def process_refund(refund_id: str) -> None:
        """Submit a refund to its gateway and settle it once the gateway has an outcome."""
        await refunds.process_refund(refund_id, ctx.gateways, ctx.urls, utc_now())

    async def deliver_webhook(delivery_id: str) -> None:
        """One attempt; failures are rescheduled in the database, not by Dramatiq."""
        await webhooks.deliver(
            delivery_id, http_client(), signing_keys, ctx.settings.webhooks_allow_private, utc_now()
        )

    async def send_message(message_id: str) -> None:
        """Email or SMS a link; transient failures are retried from the database."""
        await messages.deliver(message_id, ctx.settings, ctx.urls, utc_now())

    jobs: dict[str, Callable[..., Any]] = {
        SEND_MESSAGE: send_message,
        PROCESS_REFUND: process_refund,
        DELIVER_WEBHOOK: deliver_webhook,
    }
    return {
        name: dramatiq.actor(
            actor_name=name,
            queue_name=QUEUE,
            broker=broker,
            max_retries=8,
            min_backoff=1_000,
            max_backoff=300_000,
        )(fn)
        for name, fn in jobs.items()
    }
