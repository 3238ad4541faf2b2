"""Tokens, password hashes and encryption at rest.

API keys and session tokens are long random strings, so a SHA-256 digest is enough to
store them (a lookup by hash, no plaintext kept). Passwords are low-entropy and get argon2.
Stripe credentials are encrypted with a key derived from ``PAYLINKS_SECRET_KEY``.

An argon2 hash or verification costs about a second of a core (m=64 MiB): the use cases
run them through ``passwords``, in threads of its own with at most
``PAYLINKS_PASSWORD_HASH_WORKERS`` at once, so that a burst of logins waits its turn off the
event loop instead of taking every core from checkouts.
"""

import asyncio
import base64
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from paylinks.settings import CORES

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that both paths take as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class PasswordWork:
    """argon2 work off the event loop, at most ``workers`` at once (a thread pool of that
    size: argon2 releases the GIL, so each thread takes at most one core, and the rest
    wait in its queue). ``bound`` changes the size for the work that follows."""

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="argon2")
        self.workers = workers

    def bound(self, workers: int) -> None:
        if workers != self.workers:
            old, self._executor = self._executor, ThreadPoolExecutor(workers, "argon2")
            self.workers = workers
            old.shutdown(wait=False)

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, hash_password, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, verify_password, password_hash, password)


passwords = PasswordWork(CORES)


class Cipher:
    """Symmetric encryption of small secrets (Fernet: AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, secret_key: str) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"paylinks-at-rest-v1"
        ).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise ValueError(
                "The secret cannot be decrypted with this PAYLINKS_SECRET_KEY."
            ) from None
