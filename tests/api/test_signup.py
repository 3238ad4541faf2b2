"""Sign-up that does not tell which emails have accounts: every well-formed request answers
202 alike, and the store is created by the link emailed to the address."""

import statistics
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
import pytest
from argon2 import PasswordHasher

from paylinks import secrets
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.stores.signup import PendingSignUp
from tests.api.conftest import Sink, text_of
from tests.conftest import FrozenClock
from tests.factories import PASSWORD, ApiClient, logged_warnings

PROBLEM_JSON = "application/problem+json"


def signup(email: str, **fields: Any) -> dict[str, Any]:
    return {"store_name": "Corner Bakery", "email": email, "password": PASSWORD, **fields}


def problem(response: httpx.Response) -> tuple[int, str, list[str]]:
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.text
    body = response.json()
    return response.status_code, body["code"], [e["field"] for e in body.get("errors", [])]


class TestTheAnswer:
    async def test_an_existing_email_gets_the_same_bytes_as_a_new_one(self, api: ApiClient) -> None:
        store = await api.create_store()

        taken, _ = await api.request_sign_up(**signup(store.email))
        new, _ = await api.request_sign_up(**signup(store.email.replace("owner", "other")))

        assert taken.status_code == new.status_code == 202
        assert taken.content == new.content.replace(b"other", b"owner")
        assert taken.json() == {"status": "confirmation_sent", "email": store.email}

        def headers(response: httpx.Response) -> dict[str, str]:
            # Each answer has its own request id, and one request fewer left in the window.
            return {
                k: v for k, v in response.headers.items() if k not in {"request-id", "ratelimit"}
            }

        assert headers(taken) == headers(new)

    async def test_the_email_is_given_back_normalised(self, api: ApiClient) -> None:
        response, _ = await api.request_sign_up(**signup("  Baker@Example.COM "))
        assert response.json()["email"] == "baker@example.com"

    async def test_an_existing_email_takes_as_long_as_a_new_one(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # argon2 dear enough that skipping it for known emails would show (tests otherwise
        # hash at the cheapest).
        monkeypatch.setattr(secrets, "_hasher", PasswordHasher(time_cost=2, memory_cost=32768))
        store = await api.create_store()
        taken, new = [], []
        for n in range(6):
            for email, times in ((store.email, taken), (f"new{n}@example.com", new)):
                started = time.perf_counter()
                response, _ = await api.request_sign_up(**signup(email))
                times.append(time.perf_counter() - started)
                assert response.status_code == 202

        assert statistics.median(taken) > 0.6 * statistics.median(new), (taken, new)

    async def test_bad_input_is_refused_before_anything_is_sent(self, api: ApiClient) -> None:
        response, tokens = await api.request_sign_up(**signup("not an email"))
        assert problem(response) == (422, "validation_error", ["email"])
        assert tokens == []


class TestConfirm:
    async def test_the_link_creates_the_store_and_signs_in(self, api: ApiClient) -> None:
        response, tokens = await api.request_sign_up(
            **signup("baker@example.com", currency="EUR", country="IE")
        )
        assert response.status_code == 202
        # Nothing exists until the link is followed.
        assert (await api.client.post("/v1/auth/login", json=login())).status_code == 401

        confirmed = await api.confirm_sign_up(tokens[0])

        assert confirmed.status_code == 201, confirmed.text
        body = confirmed.json()
        assert set(body) == {"store_id", "user_id", "token", "api_key"}
        me = await api.client.get("/v1/me", headers=bearer(body["token"]))
        assert me.status_code == 200, me.text
        assert me.json()["user"]["email"] == "baker@example.com"
        store = (await api.client.get("/v1/store", headers=bearer(body["api_key"]))).json()
        assert (store["id"], store["name"]) == (body["store_id"], "Corner Bakery")
        assert (store["currency"], store["country"]) == ("EUR", "IE")
        # The password chosen at sign-up is the one that logs in.
        assert (await api.client.post("/v1/auth/login", json=login())).status_code == 200

    async def test_a_used_link_is_409_already_confirmed(self, api: ApiClient) -> None:
        _, tokens = await api.request_sign_up(**signup("baker@example.com"))
        assert (await api.confirm_sign_up(tokens[0])).status_code == 201

        again = await api.confirm_sign_up(tokens[0])

        assert problem(again)[:2] == (409, "already_confirmed")

    async def test_an_email_taken_meanwhile_is_409(self, api: ApiClient) -> None:
        _, first = await api.request_sign_up(**signup("baker@example.com"))
        _, second = await api.request_sign_up(**signup("baker@example.com", store_name="Two"))
        assert (await api.confirm_sign_up(second[0])).status_code == 201

        late = await api.confirm_sign_up(first[0])

        assert problem(late)[:2] == (409, "already_confirmed")
        session = (await api.client.post("/v1/auth/login", json=login())).json()["token"]
        store = await api.client.get("/v1/store", headers=bearer(session))
        assert store.json()["name"] == "Two"

    async def test_an_expired_link_is_400_invalid_token(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        _, tokens = await api.request_sign_up(**signup("baker@example.com"))
        clock.advance(hours=23, minutes=59)
        # Still good a minute before the day is out; not once it is.
        good = await api.confirm_sign_up(tokens[0])
        assert good.status_code == 201
        _, tokens = await api.request_sign_up(**signup("other@example.com"))
        clock.advance(hours=24)

        expired = await api.confirm_sign_up(tokens[0])

        assert problem(expired) == (400, "invalid_token", ["token"])

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda token: token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB"),
            lambda token: token[:40] + token[41:],
            lambda token: "",
            lambda token: "x" * 5000,
            lambda token: "sess_" + token,
        ],
    )
    async def test_a_tampered_link_is_400_invalid_token(self, api: ApiClient, tamper: Any) -> None:
        _, tokens = await api.request_sign_up(**signup("baker@example.com"))

        response = await api.confirm_sign_up(tamper(tokens[0]))

        assert problem(response) == (400, "invalid_token", ["token"])
        assert (await api.client.post("/v1/auth/login", json=login())).status_code == 401

    async def test_a_link_of_another_service_secret_is_400(
        self, api: ApiClient, clock: FrozenClock
    ) -> None:
        forged = PendingSignUp(
            store_name="Forged",
            email="baker@example.com",
            password_hash=secrets.hash_password(PASSWORD),
            currency="GBP",
            country="GB",
            expires_at=clock.now.replace(year=clock.now.year + 1),
        )
        other = Cipher("another-secret-key-" + "y" * 32)
        token = other.encrypt(msgspec.json.encode(forged).decode())

        assert problem(await api.confirm_sign_up(token)) == (400, "invalid_token", ["token"])

    async def test_the_link_carries_no_plaintext_password(
        self, api: ApiClient, settings: Settings
    ) -> None:
        _, tokens = await api.request_sign_up(**signup("baker@example.com"))

        opened = Cipher(settings.secret_key).decrypt(tokens[0])

        assert PASSWORD not in opened
        assert PASSWORD not in tokens[0]
        pending = msgspec.json.decode(opened, type=PendingSignUp)
        assert secrets.verify_password(pending.password_hash, PASSWORD)


class TestTheEmails:
    async def test_a_new_address_gets_the_link_to_the_dashboard(
        self, sending_api: ApiClient, smtp: tuple[Sink, int], settings: Settings
    ) -> None:
        response = await sending_api.client.post("/v1/auth/signup", json=signup("a@example.com"))
        assert response.status_code == 202

        [mail] = smtp[0].messages
        assert mail["To"] == "a@example.com"
        assert mail["Subject"] == "Finish creating your Paylinks store"
        text = text_of(mail)
        url = next(word for word in text.split() if "/signup/confirm?" in word)
        assert url.startswith(f"{settings.dashboard_url}/signup/confirm?token=")
        [token] = parse_qs(urlsplit(url).query)["token"]
        assert (await sending_api.confirm_sign_up(token)).status_code == 201

    async def test_an_existing_address_is_told_to_log_in(
        self, sending_api: ApiClient, smtp: tuple[Sink, int], settings: Settings
    ) -> None:
        store = await sending_api.create_store()

        await sending_api.client.post("/v1/auth/signup", json=signup(store.email))

        [mail] = smtp[0].messages
        assert mail["To"] == store.email
        assert mail["Subject"] == "You already have a Paylinks account"
        text = text_of(mail)
        assert "You already have an account" in text
        assert f"{settings.dashboard_url}/login" in text
        assert "/signup/confirm" not in text

    async def test_without_smtp_the_link_is_logged_on_one_line(
        self, api: ApiClient, settings: Settings
    ) -> None:
        with logged_warnings() as lines:
            await api.client.post("/v1/auth/signup", json=signup("anna@example.com"))

        [line] = lines
        prefix = f"Sign-up confirmation for a***@example.com: {settings.dashboard_url}"
        assert line.startswith(prefix + "/signup/confirm?token=")
        assert "\n" not in line
        assert "anna@" not in line


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login() -> dict[str, str]:
    return {"email": "baker@example.com", "password": PASSWORD}
