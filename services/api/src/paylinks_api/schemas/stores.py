"""Request and response schemas of stores, users, sessions, API keys and venues."""

from datetime import datetime
from typing import Annotated

import msgspec

from paylinks.money import currencies
from paylinks.stores.model import (
    ADDRESS_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ApiKey,
    Gateway,
    Store,
    User,
    Venue,
)
from paylinks_api.schemas import documented, one_line

Name = Annotated[str, documented(pattern=one_line(NAME_MAX))]
Email = Annotated[str, documented("The user's email address", format="email", maxLength=254)]
Password = Annotated[str, documented(minLength=PASSWORD_MIN, maxLength=PASSWORD_MAX)]


class SignUp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    store_name: Name
    email: Email
    password: Password
    currency: Annotated[
        str, documented("ISO 4217, fixed for the store's life", enum=currencies())
    ] = "GBP"


class Login(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, documented(minLength=1, maxLength=PASSWORD_MAX)]


class SessionOut(msgspec.Struct, kw_only=True):
    token: str
    user_id: str
    store_id: str


class SignUpOut(msgspec.Struct, kw_only=True):
    store_id: str
    user_id: str
    token: str
    api_key: str


class StoreOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    currency: str
    payments_activated: bool
    gateway: Gateway | None
    payments_activated_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, store: Store) -> "StoreOut":
        return cls(
            id=store.id,
            name=store.name,
            currency=store.currency,
            payments_activated=store.payments_active,
            gateway=store.gateway,
            payments_activated_at=store.payments_activated_at,
            created_at=store.created_at,
        )


class MeOut(msgspec.Struct, kw_only=True):
    user: User | None
    store: StoreOut


class Activate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    gateway: Gateway
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_publishable_key: str | None = None


class ApiKeyCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name = "API key"


class ApiKeyOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    last4: str
    created_at: datetime
    revoked_at: datetime | None
    secret: str | None = None

    @classmethod
    def of(cls, key: ApiKey, secret: str | None = None) -> "ApiKeyOut":
        return cls(
            id=key.id,
            name=key.name,
            last4=key.last4,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            secret=secret,
        )


class VenueCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    address: Annotated[str | None, documented(maxLength=ADDRESS_MAX)] = None


class VenueOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    address: str | None
    created_at: datetime

    @classmethod
    def of(cls, venue: Venue) -> "VenueOut":
        return cls(id=venue.id, name=venue.name, address=venue.address, created_at=venue.created_at)
