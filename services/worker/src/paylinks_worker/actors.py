"""The jobs. Each is idempotent and takes ids, so that a redelivered message is harmless.

Actors are declared on a given broker (not the global one at import), so that the API,
tests and ``paylinks worker`` each choose theirs.
"""

from collections.abc import Callable
from typing import Any

import aiohttp
import dramatiq
from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import Middleware

from paylinks.clock import utc_now
from paylinks.job_queue import QUEUE
from paylinks.messages import service as messages
from paylinks.payments import voids
from paylinks.refunds import service as refunds
from paylinks.webhooks import http as webhook_http
from paylinks.webhooks import service as webhooks
from paylinks_worker.context import WorkerContext

PROCESS_REFUND = "process_refund"
DELIVER_WEBHOOK = "deliver_webhook"
SEND_MESSAGE = "send_message"
VOID_PAYMENT = "void_payment"


def enqueue(broker: Broker, actor_name: str, *args: str) -> None:
    """Send a job by actor name (the senders never import the actor functions)."""
    broker.enqueue(
        dramatiq.Message(queue_name=QUEUE, actor_name=actor_name, args=args, kwargs={}, options={})
    )


class HttpSession(Middleware):
    """One pooled HTTP session for the worker's event loop (the async actors all run on
    it), opened at the first use and closed before the loop stops. aiohttp rather than
    httpx here: about a quarter of the CPU per webhook request."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = webhook_http.open_session(self.allow_private)
        return self._session

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        loop_thread = get_event_loop_thread()
        if self._session is not None and loop_thread is not None:
            loop_thread.run_coroutine(self._session.close())


def declare_actors(broker: Broker, ctx: WorkerContext) -> dict[str, dramatiq.Actor[Any, Any]]:
    http = HttpSession(ctx.settings.webhooks_allow_private)
    # After AsyncIO in the list: "after" hooks run in reverse, so the session closes
    # once the jobs are done and before the event loop stops.
    broker.add_middleware(http)
    signing_keys = webhooks.SigningKeys(ctx.cipher)

    async def process_refund(refund_id: str) -> None:
        """Submit a refund to its gateway and settle it once the gateway has an outcome."""
        await refunds.process_refund(refund_id, ctx.gateways, ctx.urls, utc_now())

    async def deliver_webhook(delivery_id: str) -> None:
        """One attempt; failures are rescheduled in the database, not by Dramatiq."""
        await webhooks.deliver(
            delivery_id, http.get(), signing_keys, ctx.settings.webhooks_allow_private, utc_now()
        )

    async def send_message(message_id: str) -> None:
        """Email or SMS a link; transient failures are retried from the database."""
        await messages.deliver(message_id, ctx.settings, ctx.urls, utc_now())

    async def void_payment(payment_id: str) -> None:
        """Cancel a timed-out payment's authorisation at its gateway; outages are retried
        from the database."""
        await voids.void_at_gateway(payment_id, ctx.gateways, utc_now())

    jobs: dict[str, Callable[..., Any]] = {
        SEND_MESSAGE: send_message,
        PROCESS_REFUND: process_refund,
        DELIVER_WEBHOOK: deliver_webhook,
        VOID_PAYMENT: void_payment,
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
