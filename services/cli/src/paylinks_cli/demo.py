"""The demo store of ``paylinks up``: made on first run, its login kept in the data dir."""

import json
import os
import secrets
from pathlib import Path

import msgspec

from paylinks.clock import utc_now
from paylinks.links import service as links
from paylinks.links.model import AmountType, CustomerFields, FieldMode, LinkDraft, LinkType
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.stores import service as stores
from paylinks.stores.model import Gateway, Principal

DEMO_EMAIL = "demo@example.com"


class DemoLogin(msgspec.Struct):
    store_id: str
    email: str
    password: str
    api_key: str


def _path(settings: Settings) -> Path:
    return settings.data_dir / "demo.json"


async def ensure_demo_store(settings: Settings) -> DemoLogin:
    """The demo store's login, creating the store with sample links the first time."""
    path = _path(settings)
    if path.is_file():
        return msgspec.json.decode(path.read_bytes(), type=DemoLogin)
    now = utc_now()
    password = secrets.token_urlsafe(12)
    created = await stores.create_store("Demo Coffee Roasters", "GBP", DEMO_EMAIL, password, now)
    await stores.activate_payments(
        created.store.id, Gateway.SANDBOX, Cipher(settings.secret_key), now
    )
    principal = Principal(store_id=created.store.id, payments_active=True)
    venue = await stores.create_venue(principal, "Market Street", "12 Market Street", now)
    from paylinks.links.model import PublicUrls

    urls = PublicUrls(settings.checkout_url, settings.api_url)
    samples = [
        LinkDraft(
            title="Bag of house espresso beans",
            amount=1450,
            reference="DEMO-1",
            venue_id=venue.id,
            description="250 g, roasted this week.",
        ),
        LinkDraft(
            title="Tip jar",
            amount_type=AmountType.VARIABLE,
            min_amount=100,
            max_amount=5000,
            customer_fields=CustomerFields(customer_name=FieldMode.OPTIONAL),
        ),
        LinkDraft(
            title="Barista course deposit",
            type=LinkType.ONE_OFF,
            amount=5000,
            reference="INV-1001",
            customer_fields=CustomerFields(
                customer_name=FieldMode.REQUIRED, email=FieldMode.REQUIRED
            ),
        ),
    ]
    for draft in samples:
        await links.create_link(principal, draft, urls, now)
    login = DemoLogin(
        store_id=created.store.id,
        email=DEMO_EMAIL,
        password=password,
        api_key=created.api_key_secret,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(msgspec.to_builtins(login), file, indent=2)
    return login
