"""Factories for API tests: stores with their keys, and links with sensible defaults. For
unit tests: domain Structs with sensible defaults, and an engine that records the SQL a
repository sends (``check_status_guards`` holds its status-guarded updates to the
lifecycle)."""

import asyncio
import io
import itertools
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString
from piccolo.table import Table

from paylinks.db import engine as db_engine
from paylinks.links import model as links
from paylinks.payments import model as payments

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


class StoreClient:
    """A store as its integrator sees it: requests carry the store's API key."""

    def __init__(self, client: httpx.AsyncClient, store_id: str, api_key: str, email: str) -> None:
        self.client = client
        self.store_id = store_id
        self.api_key = api_key
        self.email = email
        self.headers = {"Authorization": f"Bearer {api_key}"}

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.patch(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def create_link(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "Espresso beans", "amount": 1450, **fields}
        response = await self.post("/v1/payment-links", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def create_endpoint(self, url: str, **fields: Any) -> dict[str, Any]:
        """A webhook endpoint; its signing secret is in the answer, shown this once."""
        response = await self.post("/v1/webhook-endpoints", json={"url": url, **fields})
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def create_venue(self, name: str = "Market Street") -> dict[str, Any]:
        response = await self.post("/v1/venues", json={"name": name})
        assert response.status_code == 201, response.text
        return dict(response.json())


#: A mailbox as a test reads it: ``await take(address)`` removes and returns the texts of
#: the emails sent to that address so far.
Mailbox = Callable[[str], Awaitable[list[str]]]
_CONFIRM_LINK = re.compile(r"https?://\S+?/signup/confirm\?token=([\w%.=-]+)")
#: Where the API writes its sign-up links when it has no SMTP (the development fallback).
SIGN_UP_LOGGER = "paylinks.messages.service"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def logged_warnings(logger: str = SIGN_UP_LOGGER) -> Iterator[list[str]]:
    """The lines ``logger`` writes at WARNING or above meanwhile."""
    handler = _Lines()
    target = logging.getLogger(logger)
    # A server started in this process may have configured logging since (disabling the
    # loggers that existed, or raising their level): the lines are wanted all the same.
    disabled, level = target.disabled, target.level
    target.disabled = False
    if not target.isEnabledFor(logging.WARNING):
        target.setLevel(logging.WARNING)
    target.addHandler(handler)
    try:
        yield handler.lines
    finally:
        target.removeHandler(handler)
        target.disabled, target.level = disabled, level


async def _written(lines: list[str], text: str, seconds: float = 10) -> None:
    """Until one of ``lines`` holds ``text`` (or ``seconds`` have passed)."""
    deadline = time.monotonic() + seconds
    while not any(text in line for line in lines) and time.monotonic() < deadline:  # noqa: ASYNC110 (a logging handler fills them: no event to wait on)
        await asyncio.sleep(0.01)


def confirmation_tokens(texts: list[str]) -> list[str]:
    """The tokens of the sign-up confirmation links in ``texts`` (emails or log lines)."""
    return [unquote(match) for text in texts for match in _CONFIRM_LINK.findall(text)]


class LogMailbox:
    """The logs of API processes without SMTP, read as a mailbox (a ``Mailbox``): what they
    wrote since the last read, waiting a moment for the sign-up's line, which is written
    just after the answer."""

    def __init__(self, *paths: Path, wait: float = 10.0) -> None:
        self.paths = paths
        self.seen = {path: len(path.read_bytes()) for path in paths}
        self.wait = wait

    def _new_text(self) -> str:
        parts = []
        for path in self.paths:
            data = path.read_bytes()
            parts.append(data[self.seen[path] :].decode(errors="replace"))
            self.seen[path] = len(data)
        return "".join(parts)

    def read(self) -> list[str]:
        """What was written since the last read, once a sign-up line is in it (or the wait
        is over)."""
        deadline = time.monotonic() + self.wait
        text = self._new_text()
        while "Sign-up " not in text and time.monotonic() < deadline:
            time.sleep(0.05)
            text += self._new_text()
        return [text]

    async def __call__(self, address: str) -> list[str]:
        return await asyncio.to_thread(self.read)


class ApiClient:
    """The API as a new merchant meets it. ``mailbox``: how a test reads what the API
    emails; without one the API has no SMTP and its log carries the sign-up links."""

    def __init__(self, client: httpx.AsyncClient, mailbox: Mailbox | None = None) -> None:
        self.client = client
        self.mailbox = mailbox
        # One sign-up at a time: each link read belongs to the request that sent it.
        self._signing_up = asyncio.Lock()

    async def request_sign_up(self, **body: Any) -> tuple[httpx.Response, list[str]]:
        """POST /v1/auth/signup; the answer and the confirmation tokens it sent (none for
        an email that has an account, or a refused request)."""
        async with self._signing_up:
            with logged_warnings() as lines:
                response = await self.client.post("/v1/auth/signup", json=body)
                # The email goes out just after the answer (a live server's answer can
                # arrive first).
                if self.mailbox is None and response.status_code == 202:
                    await _written(lines, "Sign-up ")
            if self.mailbox is None:
                texts = lines
            elif response.status_code == 202:
                texts = await self.mailbox(str(body["email"]))
            else:
                texts = []
        return response, confirmation_tokens(texts)

    async def confirm_sign_up(self, token: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post("/v1/auth/signup/confirm", json={"token": token}, **kwargs)

    async def sign_up(self, **body: Any) -> dict[str, Any]:
        """Sign up and follow the emailed link: the store's id, key and a session."""
        response, tokens = await self.request_sign_up(**body)
        assert response.status_code == 202, response.text
        assert len(tokens) == 1, tokens
        confirmed = await self.confirm_sign_up(tokens[0])
        assert confirmed.status_code == 201, confirmed.text
        return dict(confirmed.json())

    async def create_store(
        self,
        *,
        activate: bool = True,
        currency: str = "GBP",
        name: str = "Acme Coffee",
        **fields: Any,
    ) -> StoreClient:
        email = f"owner{next(_counter)}@example.com"
        body = await self.sign_up(
            store_name=name, email=email, password=PASSWORD, currency=currency, **fields
        )
        store = StoreClient(self.client, body["store_id"], body["api_key"], email)
        if activate:
            activated = await store.post("/v1/store/payments/activate", json={"gateway": "sandbox"})
            assert activated.status_code == 200, activated.text
        return store


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (40, 30), color: str = "teal", **options: Any
) -> bytes:
    """A real, small image in ``fmt`` (PNG, JPEG or WEBP), made by Pillow."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **options)
    return out.getvalue()


async def upload_image(
    store: StoreClient,
    content: bytes,
    filename: str = "logo.png",
    content_type: str = "image/png",
    **kwargs: Any,
) -> httpx.Response:
    """POST /v1/images with ``content`` as the multipart field ``file``."""
    return await store.post(
        "/v1/images", files={"file": (filename, content, content_type)}, **kwargs
    )


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    """POST /v1/auth/login; the session token is ``response.json()["token"]``."""
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


def as_bearer(store: StoreClient, token: str) -> StoreClient:
    """The same store, calling with another bearer token (a session, another key)."""
    return StoreClient(store.client, store.store_id, token, store.email)


CARD_OK = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
CARD_DECLINED = {**CARD_OK, "number": "4000000000000002"}
CARD_REFUND_FAILS = {**CARD_OK, "number": "4000000000005126"}


class Customer:
    """A customer on the public checkout: no key."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def start(self, link_id: str, **body: Any) -> httpx.Response:
        return await self.client.post(f"/v1/checkout/links/{link_id}/payments", json=body)

    async def confirm(self, payment_id: str, card: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(
            f"/v1/checkout/payments/{payment_id}/confirm", json={"card": card or CARD_OK}
        )

    async def pay(
        self, link_id: str, card: dict[str, Any] | None = None, **body: Any
    ) -> dict[str, Any]:
        """Start and confirm; returns the confirmed payment (succeeded or failed)."""
        started = await self.start(link_id, **body)
        assert started.status_code == 201, started.text
        confirmed = await self.confirm(started.json()["id"], card)
        assert confirmed.status_code == 200, confirmed.text
        return dict(confirmed.json())


STRIPE_PUBLISHABLE_KEY = "pk_test_51PaylinksTestPublishableKey"


async def activate_stripe(
    store: StoreClient,
    secret_key: str,
    webhook_secret: str,
    publishable_key: str = STRIPE_PUBLISHABLE_KEY,
) -> httpx.Response:
    """Switch the store to the Stripe gateway with these keys."""
    response = await store.post(
        "/v1/store/payments/activate",
        json={
            "gateway": "stripe",
            "stripe_secret_key": secret_key,
            "stripe_webhook_secret": webhook_secret,
            "stripe_publishable_key": publishable_key,
        },
    )
    assert response.status_code == 200, response.text
    return response


async def confirm_with_payment_element(
    client: httpx.AsyncClient, payment_id: str
) -> httpx.Response:
    """The checkout's confirmation after Stripe's Payment Element confirmed: no card."""
    return await client.post(f"/v1/checkout/payments/{payment_id}/confirm", json={})


async def eventually(fetch: Any, done: Any, within: float = 15.0) -> Any:
    """Poll ``fetch`` until ``done(value)`` or ``within`` seconds; returns the last value.
    Background jobs run on their own threads."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await fetch()
        if done(value) or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.1)


# ---- Unit tests ---------------------------------------------------------------------------

#: When the domain Structs below were made.
MADE_AT = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)


def payment_link(**fields: Any) -> links.PaymentLink:
    """An active, uncapped, fixed-amount (£14.50) reusable link asking for no customer
    details, with the given fields changed."""
    values: dict[str, Any] = {
        "id": "plink_019dbc4d828174419d9ff9fae24aea7b",
        "store_id": "store_019dbc4d828174419d9ff9fae24aea7c",
        "title": "Espresso beans",
        "type": links.LinkType.REUSABLE,
        "amount_type": links.AmountType.FIXED,
        "currency": "GBP",
        "description": None,
        "reference": None,
        "amount": 1450,
        "min_amount": None,
        "max_amount": None,
        "max_payments": None,
        "expires_at": None,
        "image_id": None,
        "customer_fields": links.CustomerFields(),
        "after_payment": links.ThankYou(),
        "venue_id": None,
        "metadata": {},
        "inactive_reason": None,
        "payments_count": 0,
        "amount_collected": 0,
        "amount_refunded": 0,
        "created_at": MADE_AT,
        "deactivated_at": None,
    }
    values.update(fields)
    return links.PaymentLink(**values)


def payment(**fields: Any) -> payments.Payment:
    """A pending £14.50 sandbox payment of ``payment_link()``, with the given fields changed."""
    values: dict[str, Any] = {
        "id": "pay_019dbc4d828174419d9ff9fae24aea7d",
        "store_id": "store_019dbc4d828174419d9ff9fae24aea7c",
        "payment_link_id": "plink_019dbc4d828174419d9ff9fae24aea7b",
        "amount": 1450,
        "currency": "GBP",
        "status": payments.PaymentStatus.PENDING,
        "gateway": "sandbox",
        "reference": None,
        "customer": payments.Customer(),
        "card_last4": None,
        "failure_reason": None,
        "hold_expires_at": MADE_AT + timedelta(minutes=15),
        "created_at": MADE_AT,
        "paid_at": None,
        "amount_refunded": 0,
        "amount_refund_pending": 0,
    }
    values.update(fields)
    return payments.Payment(**values)


class RecordingEngine(SQLiteEngine):
    """Keeps the SQL of every statement it is sent, values written in, and answers no
    rows; it never opens its database."""

    def __init__(self) -> None:
        super().__init__(path="never-opened.sqlite3")
        self.statements: list[str] = []

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> list[Any]:
        self.statements.append(str(querystring))
        return []


def record_sql(monkeypatch: pytest.MonkeyPatch, *tables: type[Table]) -> list[str]:
    """Send what the repositories run on ``tables`` (and through ``paylinks.db.sql``) to a
    ``RecordingEngine`` for the rest of the test: the statements it records."""
    engine = RecordingEngine()
    monkeypatch.setattr(db_engine, "_bound", engine)
    for table in tables:
        monkeypatch.setattr(table._meta, "_db", engine)
    return engine.statements


async def check_status_guards(
    monkeypatch: pytest.MonkeyPatch,
    table: type[Table],
    guards: Mapping[str, tuple[frozenset[Any], frozenset[Any]]],
    transitions: Mapping[Any, frozenset[Any]],
    run: Mapping[str, Callable[[], Awaitable[object]]],
) -> None:
    """A repository's ``GUARDS`` follow its lifecycle: each update may find a row only in
    the statuses from which ``transitions`` move it to where the update goes, and the one
    statement ``run[update]`` sends checks exactly those (with ``status IN (…)``, nothing
    else) and sets no other status."""
    assert set(guards) == set(run)
    statements = record_sql(monkeypatch, table)
    for update, (allowed, moves_to) in guards.items():
        assert moves_to, update
        assert allowed == {s for s, moves in transitions.items() if moves_to <= moves}, update
        statements.clear()
        await run[update]()
        [sql] = statements
        head, where = sql.split(" WHERE ", 1)
        assert not re.search(r'\bstatus"?\s*(=|<>|!=|NOT IN)', where), sql
        checks = re.findall(r'\bstatus"? IN \(([^)]*)\)', where)
        assert checks, sql
        for values in checks:
            assert {value.strip().strip("'") for value in values.split(",")} == allowed, sql
        assert set(re.findall(r'\bstatus"? = \'(\w+)\'', head)) <= moves_to, sql
