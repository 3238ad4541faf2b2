"""Stores (tenants), their users, API keys and venues; the payments-activation rules."""

import unicodedata
from datetime import datetime
from enum import StrEnum

import msgspec
from email_validator import EmailNotValidError, validate_email

from paylinks.branding import ColorError, normalize_color
from paylinks.countries import FALLBACK_COUNTRY, CountryError, normalize_country
from paylinks.errors import FieldError, ValidationFailed
from paylinks.money import MoneyError, normalize_currency

NAME_MAX = 120
ADDRESS_MAX = 300
PASSWORD_MIN = 10
PASSWORD_MAX = 200


class Gateway(StrEnum):
    SANDBOX = "sandbox"
    STRIPE = "stripe"


class Store(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    currency: str
    #: ISO 3166-1 alpha-2: the default region of phone numbers and the checkout's locale.
    country: str
    gateway: Gateway | None
    payments_activated_at: datetime | None
    created_at: datetime
    brand_color: str | None = None
    logo_image_id: str | None = None
    receipts_enabled: bool = True

    @property
    def payments_active(self) -> bool:
        return self.gateway is not None


class User(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    email: str
    created_at: datetime


class ApiKey(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    name: str
    last4: str
    created_at: datetime
    revoked_at: datetime | None


class Venue(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    name: str
    address: str | None
    created_at: datetime


class Principal(msgspec.Struct, frozen=True):
    """Who is calling: a store, through an API key or a user's session."""

    store_id: str
    payments_active: bool
    user_id: str | None = None
    session_id: str | None = None


class StripeCredentials(msgspec.Struct, frozen=True):
    secret_key: str
    webhook_secret: str
    publishable_key: str | None = None


def normalize_email(field: str, email: str) -> str:
    """The address in its normalised form, or ValidationFailed naming ``field``."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationFailed([FieldError(field, str(error))]) from None


def account_email(field: str, email: str) -> str:
    """A user's sign-in address: normalised and in lower case, so that one mailbox is one
    account whatever case it is typed in."""
    return normalize_email(field, email).lower()


ONE_LINE = "One line of text, without line breaks, tabs or other control characters."


def _is_one_line(text: str) -> bool:
    """No control character (Unicode Cc) nor line or paragraph separator: a store name goes
    into the subject of every email that sends a link, where a line break would split the
    header."""
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _store_name_errors(name: str) -> list[FieldError]:
    clean_name = name.strip()
    if not 1 <= len(clean_name) <= NAME_MAX:
        return [FieldError("name", f"Enter a store name of 1 to {NAME_MAX} characters.")]
    if not _is_one_line(clean_name):
        return [FieldError("name", ONE_LINE)]
    return []


def _country(value: str, errors: list[FieldError]) -> str:
    try:
        return normalize_country(value)
    except CountryError as error:
        errors.append(FieldError("country", str(error)))
        return ""


class NewStoreInput(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    currency: str
    country: str
    email: str


def validate_new_store(
    name: str, currency: str, email: str, password: str, country: str = FALLBACK_COUNTRY
) -> NewStoreInput:
    """Check a sign-up; returns its fields normalised."""
    errors = _store_name_errors(name)
    clean_name = name.strip()
    clean_country = _country(country, errors)
    clean_currency = ""
    try:
        clean_currency = normalize_currency(currency)
    except MoneyError as error:
        errors.append(FieldError("currency", str(error)))
    clean_email = ""
    try:
        clean_email = account_email("email", email)
    except ValidationFailed as failed:
        errors.extend(failed.errors)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        errors.append(FieldError("password", f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."))
    if errors:
        raise ValidationFailed(errors)
    return NewStoreInput(
        name=clean_name, currency=clean_currency, country=clean_country, email=clean_email
    )


class StoreChanges(msgspec.Struct, frozen=True, kw_only=True):
    """What ``PATCH /v1/store`` may change; UNSET: unchanged, None: cleared."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    country: str | msgspec.UnsetType = msgspec.UNSET
    brand_color: str | msgspec.UnsetType | None = msgspec.UNSET
    logo_image_id: str | msgspec.UnsetType | None = msgspec.UNSET
    receipts_enabled: bool | msgspec.UnsetType = msgspec.UNSET


def validate_changes(changes: StoreChanges) -> StoreChanges:
    """The changes normalised, or ValidationFailed naming every field at fault (the logo's
    image is checked against the store by the service)."""
    errors: list[FieldError] = []
    clean: dict[str, object] = {}
    if isinstance(changes.name, str):
        errors.extend(_store_name_errors(changes.name))
        clean["name"] = changes.name.strip()
    if isinstance(changes.country, str):
        clean["country"] = _country(changes.country, errors)
    if isinstance(changes.brand_color, str):
        try:
            clean["brand_color"] = normalize_color(changes.brand_color)
        except ColorError as error:
            errors.append(FieldError("brand_color", str(error)))
    if errors:
        raise ValidationFailed(errors)
    return msgspec.structs.replace(changes, **clean)


def validate_name(field: str, name: str) -> str:
    """A venue's or an API key's name: one line of 1 to NAME_MAX characters, trimmed."""
    clean = name.strip()
    if not 1 <= len(clean) <= NAME_MAX:
        raise ValidationFailed([FieldError(field, f"Enter 1 to {NAME_MAX} characters.")])
    if not _is_one_line(clean):
        raise ValidationFailed([FieldError(field, ONE_LINE)])
    return clean


def validate_stripe_credentials(
    secret_key: str | None, webhook_secret: str | None, publishable_key: str | None = None
) -> StripeCredentials:
    errors: list[FieldError] = []
    key = (secret_key or "").strip()
    hook = (webhook_secret or "").strip()
    if not key.startswith(("sk_test_", "sk_live_", "rk_test_", "rk_live_")):
        errors.append(
            FieldError("stripe_secret_key", "A Stripe secret key starts with sk_test_ or sk_live_.")
        )
    if not hook.startswith("whsec_"):
        errors.append(
            FieldError(
                "stripe_webhook_secret", "A Stripe webhook signing secret starts with whsec_."
            )
        )
    public = (publishable_key or "").strip() or None
    if public is not None and not public.startswith(("pk_test_", "pk_live_")):
        errors.append(
            FieldError(
                "stripe_publishable_key",
                "A Stripe publishable key starts with pk_test_ or pk_live_.",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return StripeCredentials(key, hook, public)
