"""A short-lived, per-process memory of who a bearer token is.

Every API call starts by resolving its token; remembering the answer for a couple of
seconds saves that query on the hot path. Revoking a key, ending a session or activating
payments forgets everything at once in this process; other processes notice within
``TTL_SECONDS``.
"""

import time
from collections.abc import Callable

from paylinks.stores.model import Principal

TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(
        self, ttl: float = TTL_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._monotonic = monotonic
        self._entries: dict[str, tuple[Principal, float]] = {}

    def get(self, token_hash: str) -> Principal | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        principal, expires = entry
        if expires <= self._monotonic():
            del self._entries[token_hash]
            return None
        return principal

    def put(self, token_hash: str, principal: Principal) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[token_hash] = (principal, self._monotonic() + self._ttl)

    def forget_all(self) -> None:
        self._entries.clear()


principals = PrincipalCache()
