"""Pages that outlive the process serving them, with page state in Redis.

Reflex records in Redis which process holds each page's websocket, and takes a token it
finds recorded for a second browser tab's: it gives that page a new token, so a fresh
state. A process that dies without closing its sockets (SIGKILL, a crash, a lost machine)
leaves its records behind until they expire (with the page state, an hour), so every page
it served would come back empty on another process. Here each process keeps a short
lease in Redis while it serves. A page that reconnects to another process than the one
recorded for it waits (at most ``LEASE_SECONDS``) for that process's lease to lapse: if it
does, the record is released and the page goes on with its token and its state; if not,
the other process is alive and the page is a second tab, as Reflex has it.
"""

import asyncio
import contextlib
import pickle
from typing import Any

from reflex.utils.token_manager import RedisTokenManager, SocketRecord

#: A process that stopped renewing its lease for this long is taken for dead (and a page
#: that moves from a dead process waits at most this long).
LEASE_SECONDS = 4
RENEW_SECONDS = 1
POLL_SECONDS = 0.25


def lease_key(instance_id: str) -> str:
    return f"paylinks_web_instance_{instance_id}"


class FailoverTokenManager(RedisTokenManager):
    """Reflex's Redis token manager, but a dead process's records do not hold tokens."""

    def __init__(self, redis: Any) -> None:
        super().__init__(redis)
        self._lease_task: asyncio.Task[None] | None = None

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        if self._lease_task is None:
            await self._renew_lease()
            self._lease_task = asyncio.create_task(self._keep_lease())
        await self._release_if_orphaned(token)
        return await super().link_token_to_sid(token, sid)

    async def _release_if_orphaned(self, token: str) -> None:
        key = self._get_redis_key(token)
        raw = await self.redis.get(key)
        if raw is None:
            return
        record = pickle.loads(raw)  # noqa: S301  (written by Reflex, in our Redis)
        if not isinstance(record, SocketRecord) or record.instance_id == self.instance_id:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LEASE_SECONDS + RENEW_SECONDS
        while await self.redis.exists(lease_key(record.instance_id)):
            # A live process deletes the record as it sees the old socket close.
            if loop.time() > deadline or not await self.redis.exists(key):
                return
            await asyncio.sleep(POLL_SECONDS)
        await self.redis.delete(key)

    async def _renew_lease(self) -> None:
        # The instance id changes when a server forks its workers: read it every time.
        await self.redis.set(lease_key(self.instance_id), b"1", ex=LEASE_SECONDS)

    async def _keep_lease(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            with contextlib.suppress(Exception):  # Redis away for a moment: try again
                await self._renew_lease()

    async def close(self) -> None:
        if self._lease_task is not None:
            self._lease_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lease_task
            with contextlib.suppress(Exception):
                await self.redis.delete(lease_key(self.instance_id))
        await super().close()


def install(app: Any) -> None:
    """Use ``FailoverTokenManager`` in ``app`` (a Reflex app) when its page state is in
    Redis. Reflex makes its token manager with the app's event namespace and offers no
    setting for another: this replaces it before the server accepts connections."""
    namespace = app.event_namespace
    current = getattr(namespace, "_token_manager", None)
    if isinstance(current, RedisTokenManager) and not isinstance(current, FailoverTokenManager):
        namespace._token_manager = FailoverTokenManager(current.redis)
