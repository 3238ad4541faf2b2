"""The pending sign-up a confirmation link carries: sealed with the service's secret,
opened only as it was made and before it expires."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from paylinks.errors import BadRequest
from paylinks.secrets import Cipher
from paylinks.stores.signup import (
    SIGNUP_LIFETIME,
    PendingSignUp,
    confirm_url,
    login_url,
    masked,
    seal,
    unseal,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
CIPHER = Cipher("unit-secret-key-" + "k" * 32)
PENDING = PendingSignUp(
    store_name="Corner Bakery",
    email="baker@example.com",
    password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    currency="EUR",
    country="IE",
    expires_at=NOW + SIGNUP_LIFETIME,
)


def test_a_sealed_sign_up_opens_as_it_was_until_it_expires() -> None:
    token = seal(PENDING, CIPHER)
    assert unseal(token, CIPHER, NOW + SIGNUP_LIFETIME - timedelta(seconds=1)) == PENDING
    with pytest.raises(BadRequest) as expired:
        unseal(token, CIPHER, NOW + SIGNUP_LIFETIME)
    assert (expired.value.code, expired.value.errors[0].field) == ("invalid_token", "token")


def test_the_token_reveals_nothing_it_carries() -> None:
    token = seal(PENDING, CIPHER)
    for value in ("baker", "Corner", "argon2"):
        assert value not in token


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        seal(PENDING, Cipher("another-secret-key-" + "o" * 32)),
        # Made with this secret but not a sign-up (a Stripe key encrypted at rest, say).
        CIPHER.encrypt("sk_test_123"),
        CIPHER.encrypt('{"type": "other", "email": "x@example.com"}'),
    ],
)
def test_anything_else_is_invalid_token(token: str) -> None:
    with pytest.raises(BadRequest) as refused:
        unseal(token, CIPHER, NOW)
    assert refused.value.code == "invalid_token"


def test_the_links_point_at_the_dashboard() -> None:
    token = seal(PENDING, CIPHER)
    url = confirm_url("https://dash.example.com", token)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "dash.example.com",
        "/signup/confirm",
    )
    assert parse_qs(parts.query) == {"token": [token]}
    assert login_url("https://dash.example.com") == "https://dash.example.com/login"


def test_logs_show_an_address_masked() -> None:
    assert masked("anna@example.com") == "a***@example.com"
