"""Periodic work on the worker's event loop: the outbox relay, due webhook retries, the hold
sweeper, refunds a gateway has not settled yet, and purging old idempotency keys, gateway
event ids, and (by the retention settings) events with their deliveries and message records.

The relay also runs as soon as an event commits when a ``CommitSignal`` listens (PostgreSQL);
its poll is then only a safety net for expired leases and a lost connection."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from dramatiq import Broker

from paylinks.backoff import doubling
from paylinks.clock import utc_now
from paylinks.db.errors import is_unavailable
from paylinks.gateways import repository as gateway_events
from paylinks.gateways.model import EVENT_RETENTION
from paylinks.idempotency.model import RETENTION
from paylinks.idempotency.repository import delete_expired
from paylinks.messages import service as messages
from paylinks.payments import voids
from paylinks.refunds import service as refunds
from paylinks.retention import repository as retention
from paylinks.retention.model import Retention
from paylinks.webhooks import service as webhooks
from paylinks_worker.actors import (
    DELIVER_WEBHOOK,
    PROCESS_REFUND,
    SEND_MESSAGE,
    VOID_PAYMENT,
    enqueue,
)
from paylinks_worker.outbox_signal import CommitSignal
from paylinks_worker.relay import relay_once

log = logging.getLogger(__name__)

RELAY_EVERY = 0.2
#: The poll when a worker listens for commits: only expired leases are left to find.
RELAY_EVERY_SIGNALLED = 2.0
DELIVERIES_EVERY = 0.5
SWEEP_EVERY = 5.0
#: Cheap: only refunds due for another job are touched.
REFUNDS_EVERY = 5.0
PURGE_EVERY = 3600.0
#: The longest pause between two tries of a job while the database or the broker is down.
OUTAGE_PAUSE_MAX = 5.0


class Failures:
    """The failures in a row of one periodic job: how long to pause before the next try
    (doubling up to ``OUTAGE_PAUSE_MAX``), logged once per outage rather than every tick."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def failed(self, error: Exception, every: float) -> float:
        """Note ``error``; returns the seconds to wait before the next try."""
        self.count += 1
        if not is_unavailable(error):
            log.error("Periodic job %s failed", self.name, exc_info=error)
        elif self.count == 1:
            log.warning(
                "Periodic job %s paused, the database is unavailable: %s: %s",
                self.name,
                type(error).__name__,
                error,
            )
        first = timedelta(seconds=every)
        return doubling(
            self.count, first, max(first, timedelta(seconds=OUTAGE_PAUSE_MAX))
        ).total_seconds()

    def succeeded(self) -> None:
        if self.count:
            log.warning("Periodic job %s resumed after %d failed tries", self.name, self.count)
        self.count = 0


class Scheduler:
    def __init__(
        self,
        broker: Broker,
        signal: CommitSignal | None = None,
        retention: Retention | None = None,
    ) -> None:
        self.broker = broker
        self.signal = signal
        self.retention = retention or Retention()
        self._stop = asyncio.Event()
        self._wake = signal.wake if signal else asyncio.Event()

    async def run(self) -> None:
        signal = [self.signal.run(self._stop)] if self.signal else []
        await asyncio.gather(
            *signal,
            self._relay_loop(),
            self._every(DELIVERIES_EVERY, self._due_deliveries),
            self._every(DELIVERIES_EVERY, self._queued_messages),
            self._every(SWEEP_EVERY, self._sweep),
            self._every(REFUNDS_EVERY, self._recheck_refunds),
            self._every(PURGE_EVERY, self._purge),
        )

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def _every(self, seconds: float, work: Callable[[], Awaitable[object]]) -> None:
        failures = Failures(getattr(work, "__name__", str(work)))
        while not self._stop.is_set():
            pause = seconds
            try:
                await work()
                failures.succeeded()
            except Exception as error:
                # A database or broker outage: wait longer after each failure, and go on.
                pause = failures.failed(error, seconds)
            await self._pause(pause)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _relay_loop(self) -> None:
        """Relay until the outbox is empty, then wait for a commit (or the poll). A commit
        notified during a pass sets ``wake`` again, so one more pass follows."""
        failures = Failures("_relay")
        while not self._stop.is_set():
            self._wake.clear()
            try:
                await self._relay()
                failures.succeeded()
            except Exception as error:
                # The broker or the database is down: retry after a pause that grows, not
                # at each commit.
                await self._pause(failures.failed(error, RELAY_EVERY))
                continue
            signalled = self.signal is not None and (self.signal.listening or self.signal.following)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=RELAY_EVERY_SIGNALLED if signalled else RELAY_EVERY
                )

    async def _relay(self) -> None:
        while await relay_once(self.broker):
            pass

    async def _due_deliveries(self) -> None:
        """Webhook retries whose time has come (their schedule lives in the database, so
        a restarted worker loses none)."""
        while delivery_ids := await webhooks.claim_due(utc_now()):
            for delivery_id in delivery_ids:
                enqueue(self.broker, DELIVER_WEBHOOK, delivery_id)

    async def _queued_messages(self) -> None:
        while message_ids := await messages.claim_queued(utc_now()):
            for message_id in message_ids:
                enqueue(self.broker, SEND_MESSAGE, message_id)

    async def _sweep(self) -> None:
        """Free timed-out holds, then cancel their PaymentIntents at the gateway (in jobs:
        a gateway that is down never holds the sweep up)."""
        await voids.release_expired_holds(utc_now())
        while payment_ids := await voids.claim_voids(utc_now()):
            for payment_id in payment_ids:
                enqueue(self.broker, VOID_PAYMENT, payment_id)

    async def _recheck_refunds(self) -> None:
        """Pending refunds whose next attempt is due (a gateway that was down, a refund
        pending at the gateway, a lost job); their schedule lives in the database."""
        while refund_ids := await refunds.claim_due(utc_now()):
            for refund_id in refund_ids:
                enqueue(self.broker, PROCESS_REFUND, refund_id)

    async def _purge(self) -> None:
        """Rows past their retention, in batches of short transactions (see
        ``paylinks.retention``)."""
        now = utc_now()
        await delete_expired(now - RETENTION - timedelta(minutes=1))
        await gateway_events.prune(now - EVENT_RETENTION)
        events = await retention.purge_events(self.retention.events_before(now))
        messages = await retention.purge_messages(self.retention.messages_before(now))
        if events or messages:
            log.info("Purged %d events (with their deliveries) and %d messages", events, messages)
