"""Request and response schemas of stores, users, sessions, API keys and venues."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from paylinks.countries import countries
from paylinks.links.model import PublicUrls
from paylinks.money import currencies
from paylinks.stores.model import (
    ADDRESS_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ApiKey,
    Gateway,
    Store,
    StoreChanges,
    User,
    Venue,
)
from paylinks_api.schemas import ID_PATTERN, documented, one_line

Name = Annotated[str, documented(pattern=one_line(NAME_MAX))]
Email = Annotated[str, documented("The user's email address", format="email", maxLength=254)]
Password = Annotated[str, documented(minLength=PASSWORD_MIN, maxLength=PASSWORD_MAX)]
Country = Annotated[
    str,
    documented(
        "ISO 3166-1 alpha-2, e.g. GB: the default region of customers' phone numbers and the "
        "default language of the checkout",
        enum=sorted(countries()),
    ),
]
BrandColor = Annotated[str, documented("#rrggbb, e.g. #1a73e8", pattern="^#[0-9A-Fa-f]{6}$")]


class SignUp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    store_name: Name
    email: Email
    password: Password
    currency: Annotated[
        str, documented("ISO 4217, fixed for the store's life", enum=currencies())
    ] = "GBP"
    country: Annotated[
        Country | None, msgspec.Meta(description="Default: the country of the currency")
    ] = None


class StoreUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``PATCH /v1/store``: the fields given change; null clears brand_color and the logo."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    country: Country | msgspec.UnsetType = msgspec.UNSET
    brand_color: BrandColor | msgspec.UnsetType | None = msgspec.UNSET
    logo_image_id: Annotated[
        str | msgspec.UnsetType | None,
        documented("An image uploaded with POST /v1/images", pattern=ID_PATTERN),
    ] = msgspec.UNSET
    receipts_enabled: Annotated[
        bool | msgspec.UnsetType,
        msgspec.Meta(description="Email customers a receipt after they pay (default true)"),
    ] = msgspec.UNSET

    def to_changes(self) -> StoreChanges:
        return StoreChanges(**msgspec.structs.asdict(self))


class Login(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, documented(minLength=1, maxLength=PASSWORD_MAX)]


class SessionOut(msgspec.Struct, kw_only=True):
    token: str
    user_id: str
    store_id: str


class SignUpSent(msgspec.Struct, kw_only=True):
    """The answer to every well-formed sign-up, whether or not the email has an account:
    what happens next is said in an email to that address."""

    status: Literal["confirmation_sent"] = "confirmation_sent"
    #: The address, normalised, that the email went to.
    email: str


class SignUpConfirm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    token: Annotated[
        str,
        documented(
            "The token of the confirmation link emailed on sign-up", minLength=1, maxLength=4096
        ),
    ]


class SignUpOut(msgspec.Struct, kw_only=True):
    store_id: str
    user_id: str
    token: str
    api_key: str


class StoreOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    currency: str
    country: str
    payments_activated: bool
    gateway: Gateway | None
    payments_activated_at: datetime | None
    created_at: datetime
    brand_color: str | None
    logo_image_id: str | None
    #: Where the logo is served (public: the checkout and receipts show it).
    logo_url: str | None
    receipts_enabled: bool

    @classmethod
    def of(cls, store: Store, urls: PublicUrls) -> "StoreOut":
        return cls(
            id=store.id,
            name=store.name,
            currency=store.currency,
            country=store.country,
            payments_activated=store.payments_active,
            gateway=store.gateway,
            payments_activated_at=store.payments_activated_at,
            created_at=store.created_at,
            brand_color=store.brand_color,
            logo_image_id=store.logo_image_id,
            logo_url=urls.image_url(store.logo_image_id) if store.logo_image_id else None,
            receipts_enabled=store.receipts_enabled,
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
