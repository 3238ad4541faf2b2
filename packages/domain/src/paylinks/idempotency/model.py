"""Idempotency keys: the same key and body replays the first response for 24 hours.

A request claims its key before it runs, with a lease: if it never answers (its process was
killed, its connection died), a retry takes the claim over once the lease has run out.
"""

import hashlib
from datetime import datetime, timedelta
from enum import Enum

import msgspec

RETENTION = timedelta(hours=24)
KEY_MAX = 255


class StoredResponse(msgspec.Struct, frozen=True):
    status_code: int
    content_type: str
    body: str


class Claim(Enum):
    """What a request finds when it presents its key."""

    NEW = "new"  # first use: run the request, then save its response
    REPLAY = "replay"  # same key and body, finished: send the saved response
    IN_PROGRESS = "in_progress"  # same key, the first request is still running
    MISMATCH = "mismatch"  # same key with another request: refused
    TAKE_OVER = "take_over"  # same key and body, never answered and its lease ran out: rerun


class Held(msgspec.Struct, frozen=True):
    """A key's record as a new request finds it."""

    request_hash: str
    created_at: datetime
    answered: bool
    leased_until: datetime | None


def judge(held: Held | None, request_hash: str, now: datetime) -> Claim:
    """What a request with ``request_hash`` may do with a key in the state ``held``."""
    if held is None or is_expired(held.created_at, now):
        return Claim.NEW
    if held.request_hash != request_hash:
        return Claim.MISMATCH
    if held.answered:
        return Claim.REPLAY
    # No lease: claimed before claims had one, by a request long gone.
    if held.leased_until is None or held.leased_until <= now:
        return Claim.TAKE_OVER
    return Claim.IN_PROGRESS


def record_id(scope: str, key: str) -> str:
    """Keys are per caller: two stores may use the same key without meeting."""
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def request_hash(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(f"{method} {path}\x00".encode())
    digest.update(body)
    return digest.hexdigest()


def is_expired(created_at: datetime, now: datetime) -> bool:
    return created_at <= now - RETENTION
