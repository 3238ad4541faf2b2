"""Factories for API tests: stores with their keys, and links with sensible defaults."""

import asyncio
import io
import itertools
from typing import Any

import httpx

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

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def create_link(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "Espresso beans", "amount": 1450, **fields}
        response = await self.post("/v1/payment-links", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def create_venue(self, name: str = "Market Street") -> dict[str, Any]:
        response = await self.post("/v1/venues", json={"name": name})
        assert response.status_code == 201, response.text
        return dict(response.json())


class ApiClient:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def create_store(
        self, *, activate: bool = True, currency: str = "GBP", name: str = "Acme Coffee"
    ) -> StoreClient:
        email = f"owner{next(_counter)}@example.com"
        response = await self.client.post(
            "/v1/auth/signup",
            json={"store_name": name, "email": email, "password": PASSWORD, "currency": currency},
        )
        assert response.status_code == 201, response.text
        body = response.json()
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
