"""Claiming an idempotency key before running a request, and saving what it answered.

A claim carries a lease token: only the attempt holding it may save the answer or give
the key back, so an attempt whose lease ran out (and whose key a retry took over) can
neither overwrite nor forget the retry's claim.

A saved answer may hold a secret shown once (a new API key, a webhook secret, a session
token), so its body is kept encrypted with the deployment's key, never in plaintext.
"""

import secrets
from datetime import datetime, timedelta

import msgspec

from paylinks.db.engine import transaction
from paylinks.db.errors import is_unique_violation
from paylinks.idempotency import repository
from paylinks.idempotency.model import Claim, StoredResponse, judge
from paylinks.secrets import Cipher


class Claimed(msgspec.Struct, frozen=True):
    """What a request found: its verdict, the answer to replay, or the lease it holds."""

    claim: Claim
    response: StoredResponse | None = None
    token: str | None = None


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
    record_id: str, request_hash: str, now: datetime, cipher: Cipher, lease: timedelta
) -> Claimed:
    """Take the key for this request for ``lease``, or say why it cannot run."""
    token = secrets.token_hex(16)
    try:
        async with transaction():
            record = await repository.get(record_id)
            verdict = judge(record.held if record else None, request_hash, now)
            response = None
            if record is not None and verdict is Claim.REPLAY and record.response is not None:
                response = _opened(record.response, cipher)
                # An answer that cannot be read back is treated as expired: the request
                # runs again.
                verdict = Claim.REPLAY if response is not None else Claim.NEW
            if verdict is Claim.NEW:
                if record is not None:
                    await repository.delete(record_id)
                await repository.insert(record_id, request_hash, now, token, now + lease)
                return Claimed(Claim.NEW, token=token)
            if verdict is Claim.TAKE_OVER:
                assert record is not None
                if await repository.take_over(record_id, record.lease_token, token, now + lease):
                    return Claimed(Claim.TAKE_OVER, token=token)
                return Claimed(Claim.IN_PROGRESS)
    except Exception as error:
        if not is_unique_violation(error):
            raise
        # Another request with this key inserted first, a moment ago.
        return Claimed(Claim.IN_PROGRESS)
    return Claimed(verdict, response)


async def save(record_id: str, token: str, response: StoredResponse, cipher: Cipher) -> bool:
    """Save the answer of the claim ``token`` holds (in the current transaction, if any);
    False when the claim is no longer this attempt's."""
    return await repository.complete(record_id, token, _sealed(response, cipher))


async def release(record_id: str, token: str) -> None:
    """Forget a claim whose request has no answer worth replaying (a 5xx, a 429), so that
    the client may retry at once."""
    await repository.delete_claim(record_id, token)
