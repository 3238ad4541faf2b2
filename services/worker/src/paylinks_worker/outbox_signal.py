"""A wake-up for the outbox relay when event rows commit: PostgreSQL's LISTEN/NOTIFY (a
trigger on the event table notifies at commit, migration 0008), on a connection of its own.

One worker process at a time listens, the holder of an advisory lock on that connection:
every relay woken by every commit would race for the same rows and mostly find none. The
others poll slowly, for leases that ran out; when the listener's process dies its
connection closes, the lock is free, and another worker takes it over within
``CHECK_EVERY``. Polling stays the safety net: while no connection is up (or on SQLite,
which has no notifications) the relay polls as before, and a lost notification only delays
an event to the next poll.
"""

import asyncio
import contextlib
import logging

import asyncpg

from paylinks.events.repository import COMMITTED_CHANNEL

log = logging.getLogger(__name__)

RECONNECT_EVERY = 2.0  # seconds between attempts to reconnect the listening connection
CHECK_EVERY = 5.0  # seconds between checks of the connection, or tries for the lock
#: pg_advisory_lock key of the listening relay (any constant unique in the database).
LISTENER_LOCK = 0x7061796C696E6B73  # "paylinks"


class CommitSignal:
    """``wake`` is set whenever an event commits, while ``listening``; ``following`` means
    another worker listens. When neither holds, the relay falls back to its short poll."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn.replace("postgres://", "postgresql://", 1)
        self.wake = asyncio.Event()
        self.listening = False
        self.following = False

    def _notified(self, *_: object) -> None:
        self.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Listen (or follow) until ``stop`` is set, reconnecting after an outage."""
        while not stop.is_set():
            try:
                connection = await asyncpg.connect(self.dsn, timeout=10)
            except (OSError, TimeoutError, asyncpg.PostgresError) as error:
                log.warning("Cannot listen for new events (polling instead): %s", error)
                await _pause(stop, RECONNECT_EVERY)
                continue
            try:
                await self._serve(connection, stop)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("Stopped listening for new events (polling instead): %s", error)
            finally:
                self.listening = self.following = False
                self.wake.set()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)

    async def _serve(self, connection: asyncpg.Connection, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if await connection.fetchval(
                "SELECT pg_try_advisory_lock($1)", LISTENER_LOCK, timeout=CHECK_EVERY
            ):
                break
            self.following = True
            await _pause(stop, CHECK_EVERY)
        else:
            return
        await connection.add_listener(COMMITTED_CHANNEL, self._notified)
        self.following, self.listening = False, True
        self.wake.set()  # events that committed while no one listened
        while not stop.is_set() and not connection.is_closed():
            await _pause(stop, CHECK_EVERY)
            if not stop.is_set():
                await connection.execute("SELECT 1", timeout=CHECK_EVERY)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
