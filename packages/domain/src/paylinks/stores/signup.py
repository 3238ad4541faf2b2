"""A sign-up waiting for its email to be confirmed, carried by the link that confirms it.

``POST /v1/auth/signup`` answers the same for every address, so that nobody learns which
emails have accounts; the store is created only when the link emailed to the address is
followed. The link's token is the pending sign-up itself, encrypted and authenticated with
the service's secret (``Cipher``): nothing is stored until it is confirmed, no plaintext
password travels (its argon2 hash does), and a token is good once because the email is no
longer free afterwards. Pure: sealing and opening, no I/O.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import msgspec

from paylinks.errors import BadRequest

if TYPE_CHECKING:  # the dashboard imports the paths without the cryptography
    from paylinks.secrets import Cipher

#: How long a confirmation link works.
SIGNUP_LIFETIME = timedelta(hours=24)
INVALID_TOKEN = "invalid_token"
#: The dashboard's pages the emails link to (its routes import them).
CONFIRM_PATH = "/signup/confirm"
LOGIN_PATH = "/login"


class PendingSignUp(msgspec.Struct, frozen=True, kw_only=True, tag="signup"):
    """A validated sign-up: its fields normalised, the password already hashed."""

    store_name: str
    email: str
    password_hash: str
    currency: str
    country: str
    expires_at: datetime


def seal(pending: PendingSignUp, cipher: "Cipher") -> str:
    """The token of a confirmation link (URL-safe base64)."""
    return cipher.encrypt(msgspec.json.encode(pending).decode())


def unseal(token: str, cipher: "Cipher", now: datetime) -> PendingSignUp:
    """The sign-up a token carries, or 400 ``invalid_token`` when it was not made with this
    service's secret, was changed, or has expired (the same answer for each)."""
    invalid = BadRequest(
        INVALID_TOKEN,
        "token",
        "This confirmation link is invalid or has expired: sign up again.",
    )
    try:
        pending = msgspec.json.decode(cipher.decrypt(token), type=PendingSignUp)
    except ValueError:  # not ours, changed, or not a sign-up (msgspec's errors are too)
        raise invalid from None
    if now >= pending.expires_at:
        raise invalid
    return pending


def masked(email: str) -> str:
    """An address as logs show it: ``a***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def confirm_url(dashboard_url: str, token: str) -> str:
    return f"{dashboard_url}{CONFIRM_PATH}?token={quote(token, safe='')}"


def login_url(dashboard_url: str) -> str:
    return f"{dashboard_url}{LOGIN_PATH}"
