"""Idempotency keys: the same key and body replays the first response for 24 hours."""

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


def record_id(scope: str, key: str) -> str:
    """Keys are per caller: two stores may use the same key without meeting."""
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def request_hash(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(f"{method} {path}\x00".encode())
    digest.update(body)
    return digest.hexdigest()


def is_expired(created_at: datetime, now: datetime) -> bool:
    return created_at <= now - RETENTION
