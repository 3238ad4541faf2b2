"""Claiming an idempotency key before running a request, and saving what it answered.

A saved answer may hold a secret shown once (a new API key, a webhook secret, a session
token), so its body is kept encrypted with the deployment's key, never in plaintext.
"""

from datetime import datetime

import msgspec

from paylinks.db.engine import transaction
from paylinks.db.errors import is_unique_violation
from paylinks.idempotency import repository
from paylinks.idempotency.model import Claim, StoredResponse, is_expired
from paylinks.secrets import Cipher


def _sealed(response: StoredResponse, cipher: Cipher) -> StoredResponse:
    return msgspec.structs.replace(response, body=cipher.encrypt(response.body))


def _opened(response: StoredResponse, cipher: Cipher) -> StoredResponse | None:
    """The saved answer in clear, or None when it cannot be decrypted (saved in plaintext
    before bodies were encrypted, or under another PAYLINKS_SECRET_KEY)."""
    try:
        return msgspec.structs.replace(response, body=cipher.decrypt(response.body))
    except ValueError:
        return None


async def claim(
    record_id: str, request_hash: str, now: datetime, cipher: Cipher
) -> tuple[Claim, StoredResponse | None]:
    """Take the key for this request, or say why it cannot run."""
    response = None
    try:
        async with transaction():
            record = await repository.get(record_id)
            if record is not None and record.response is not None:
                response = _opened(record.response, cipher)
            # An answer that cannot be read back is treated as expired: the request runs again.
            unreadable = record is not None and record.response is not None and response is None
            if record is not None and (is_expired(record.created_at, now) or unreadable):
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
    if response is None:
        return Claim.IN_PROGRESS, None
    return Claim.REPLAY, response


async def save(record_id: str, response: StoredResponse, cipher: Cipher) -> None:
    await repository.complete(record_id, _sealed(response, cipher))


async def release(record_id: str) -> None:
    """Forget a key whose request failed without an answer worth replaying (a 5xx)."""
    await repository.delete(record_id)
