"""Claiming an idempotency key before running a request, and saving what it answered."""

from datetime import datetime

from paylinks.db.engine import transaction
from paylinks.db.errors import is_unique_violation
from paylinks.idempotency import repository
from paylinks.idempotency.model import Claim, StoredResponse, is_expired


async def claim(
    record_id: str, request_hash: str, now: datetime
) -> tuple[Claim, StoredResponse | None]:
    """Take the key for this request, or say why it cannot run."""
    try:
        async with transaction():
            record = await repository.get(record_id)
            if record is not None and is_expired(record.created_at, now):
                await repository.delete(record_id)
                record = None
            if record is None:
                await repository.insert(record_id, request_hash, now)
                return Claim.NEW, None
    except Exception as error:
        if not is_unique_violation(error):
            raise
        # Another request with this key inserted first, a moment ago.
        return Claim.IN_PROGRESS, None
    if record.request_hash != request_hash:
        return Claim.MISMATCH, None
    if record.response is None:
        return Claim.IN_PROGRESS, None
    return Claim.REPLAY, record.response


async def save(record_id: str, response: StoredResponse) -> None:
    await repository.complete(record_id, response)


async def release(record_id: str) -> None:
    """Forget a key whose request failed without an answer worth replaying (a 5xx)."""
    await repository.delete(record_id)
