"""The Create link form, pure: what the merchant typed (strings, amounts in major units)
becomes the body of ``POST /v1/payment-links``, or one message per field that is wrong.

The checks here only catch obvious mistakes early; the API checks every rule again and its
field errors are mapped back onto the same fields (``form_errors``).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from babel.numbers import get_currency_symbol

from dashboard.display import MoneyError, parse_major
from paylinks.links.model import (
    DESCRIPTION_MAX,
    METADATA_KEY_MAX,
    METADATA_MAX_KEYS,
    METADATA_VALUE_MAX,
    REFERENCE_MAX,
    THANK_YOU_MAX,
    TITLE_MAX,
    URL_MAX,
    is_allowed_redirect,
)
from paylinks.money import exponent

#: The customer details a link may ask for, in the order the checkout shows them.
CUSTOMER_FIELDS: list[tuple[str, str]] = [
    ("customer_name", "Customer name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("business_name", "Business name"),
]
FIELD_MODES: list[tuple[str, str]] = [
    ("disabled", "Off"),
    ("optional", "Optional"),
    ("required", "Required"),
]
DEFAULT_MODES: dict[str, str] = {name: "disabled" for name, _ in CUSTOMER_FIELDS}

#: Every field the form shows an error under; API fields not in here go to the notice.
FORM_FIELDS = frozenset(
    {
        "title",
        "description",
        "reference",
        "type",
        "amount_type",
        "amount",
        "min_amount",
        "max_amount",
        "max_payments",
        "expires_at",
        "image",
        "venue_id",
        "after_payment.message",
        "after_payment.url",
        "metadata",
        *(f"customer_fields.{name}" for name, _ in CUSTOMER_FIELDS),
    }
)

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}
IMAGE_TOO_BIG = "Images are at most 5 MB."
IMAGE_NOT_ACCEPTED = "Upload a PNG, JPEG or WebP image."


@dataclass
class LinkRequest:
    """The body to send, or why not (``errors`` by form field)."""

    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def currency_symbol(currency: str) -> str:
    """``GBP`` → ``£``; the code itself when babel has no shorter sign."""
    try:
        return str(get_currency_symbol(currency, locale="en_GB"))
    except (ValueError, LookupError):
        return currency


def amount_example(currency: str) -> str:
    """A plain amount in the currency's own decimals, for placeholders (``25.00``, ``2500``)."""
    places = exponent(currency)
    return "25" if places == 0 else "25." + "0" * places


def _text(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _minor(text: str, currency: str) -> int:
    """A positive amount in major units as minor units; MoneyError says why not."""
    amount = parse_major(text, currency)
    if amount <= 0:
        raise MoneyError("Enter an amount above zero.")
    return amount


def _check_text(
    errors: dict[str, str], body: dict[str, Any], name: str, text: str, limit: int
) -> None:
    if len(text) > limit:
        errors[name] = f"At most {limit:,} characters (now {len(text):,})."
    elif text:
        body[name] = text


def _amounts(values: Mapping[str, Any], currency: str, body: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if body["amount_type"] == "fixed":
        text = _text(values, "amount")
        if not text:
            return {"amount": "Enter the amount the customer pays."}
        try:
            body["amount"] = _minor(text, currency)
        except MoneyError as error:
            errors["amount"] = str(error)
        return errors
    for name in ("min_amount", "max_amount"):
        text = _text(values, name)
        if not text:
            continue
        try:
            body[name] = _minor(text, currency)
        except MoneyError as error:
            errors[name] = str(error)
    low, high = body.get("min_amount"), body.get("max_amount")
    if low is not None and high is not None and low > high:
        errors["min_amount"] = "The minimum is more than the maximum."
    return errors


def _max_payments(values: Mapping[str, Any], body: dict[str, Any]) -> dict[str, str]:
    text = _text(values, "max_payments")
    if body["type"] != "reusable" or not text:
        return {}
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        return {"max_payments": "Enter a whole number of payments, 1 or more."}
    if int(text) > 1_000_000_000:
        return {"max_payments": "At most 1,000,000,000 payments."}
    body["max_payments"] = int(text)
    return {}


def expiry(
    date_text: str, time_text: str, now: datetime, zone: tzinfo = UTC
) -> tuple[str | None, str]:
    """A date (``YYYY-MM-DD``) and an optional time (``HH:MM``; end of the day when left
    out), both in the merchant's ``zone``, as an RFC 3339 UTC time, or the reason it is not
    usable."""
    date_text, time_text = date_text.strip(), time_text.strip()
    if not date_text:
        return None, ("Choose the day too." if time_text else "")
    try:
        day = datetime.strptime(date_text, "%Y-%m-%d").date()
        moment = datetime.strptime(time_text, "%H:%M").time() if time_text else time(23, 59)
    except ValueError:
        return None, "Enter a date and a time such as 2026-12-31 and 18:00."
    at = datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)
    if at <= now:
        return None, "The expiry must be in the future."
    return at.strftime("%Y-%m-%dT%H:%M:%SZ"), ""


def _after_payment(values: Mapping[str, Any], body: dict[str, Any]) -> dict[str, str]:
    if values.get("after_type") == "redirect":
        url = _text(values, "redirect_url")
        if not url:
            return {"after_payment.url": "Enter the address to send customers to."}
        if len(url) > URL_MAX or not is_allowed_redirect(url):
            return {"after_payment.url": "Enter a full https:// address (http only for localhost)."}
        body["after_payment"] = {"type": "redirect", "url": url}
        return {}
    message = _text(values, "thank_you_message")
    if len(message) > THANK_YOU_MAX:
        return {"after_payment.message": f"At most {THANK_YOU_MAX} characters."}
    body["after_payment"] = {"type": "thank_you", **({"message": message} if message else {})}
    return {}


def metadata_of(rows: Sequence[Mapping[str, str]]) -> tuple[dict[str, str], str]:
    """Key/value rows (blank rows skipped) as the metadata map, or what is wrong."""
    metadata: dict[str, str] = {}
    for row in rows:
        key, value = str(row.get("key") or "").strip(), str(row.get("value") or "")
        if not key and not value.strip():
            continue
        if not key:
            return {}, "Every value needs a key."
        if len(key) > METADATA_KEY_MAX:
            return {}, f"Keys are at most {METADATA_KEY_MAX} characters ({key[:12]}…)."
        if len(value) > METADATA_VALUE_MAX:
            return {}, f"Values are at most {METADATA_VALUE_MAX} characters ({key})."
        if key in metadata:
            return {}, f"The key {key} is there twice."
        metadata[key] = value
    if len(metadata) > METADATA_MAX_KEYS:
        return {}, f"At most {METADATA_MAX_KEYS} keys."
    return metadata, ""


def build_link(
    values: Mapping[str, Any],
    currency: str,
    now: datetime,
    *,
    metadata_rows: Sequence[Mapping[str, str]] = (),
    zone: tzinfo = UTC,
) -> LinkRequest:
    """The form's values (every input by name, as text) as the API body, or its errors.

    Names: ``title``, ``description``, ``reference``, ``type`` (one_off / reusable),
    ``amount_type`` (fixed / variable), ``amount`` or ``min_amount`` / ``max_amount`` in
    major units, ``max_payments``, ``expires_date`` / ``expires_time`` (in ``zone``),
    ``image_id``,
    ``customer_fields`` (a name → mode map), ``after_type`` (thank_you / redirect) with
    ``thank_you_message`` or ``redirect_url``, ``venue_id``.
    """
    request = LinkRequest()
    body, errors = request.body, request.errors

    title = _text(values, "title")
    if not title:
        errors["title"] = "Enter a title: customers see it at checkout."
    _check_text(errors, body, "title", title, TITLE_MAX)
    _check_text(errors, body, "description", _text(values, "description"), DESCRIPTION_MAX)
    _check_text(errors, body, "reference", _text(values, "reference"), REFERENCE_MAX)

    body["type"] = "one_off" if values.get("type") == "one_off" else "reusable"
    body["amount_type"] = "variable" if values.get("amount_type") == "variable" else "fixed"
    errors.update(_amounts(values, currency, body))
    errors.update(_max_payments(values, body))

    expires_at, problem = expiry(
        _text(values, "expires_date"), _text(values, "expires_time"), now, zone
    )
    if problem:
        errors["expires_at"] = problem
    elif expires_at:
        body["expires_at"] = expires_at

    if image_id := _text(values, "image_id"):
        body["image_id"] = image_id
    modes = values.get("customer_fields") or {}
    body["customer_fields"] = {
        name: modes.get(name, "disabled") if modes.get(name) in dict(FIELD_MODES) else "disabled"
        for name, _ in CUSTOMER_FIELDS
    }
    errors.update(_after_payment(values, body))
    if (venue := _text(values, "venue_id")) and venue != "none":
        body["venue_id"] = venue

    metadata, problem = metadata_of(metadata_rows)
    if problem:
        errors["metadata"] = problem
    elif metadata:
        body["metadata"] = metadata
    return request


def form_field(api_field: str) -> str:
    """Where the form shows an API field's error (``metadata.order`` under metadata …)."""
    if api_field == "image_id" or api_field == "file":
        return "image"
    if api_field.startswith("metadata."):
        return "metadata"
    if api_field.startswith("after_payment") and api_field not in FORM_FIELDS:
        return "after_payment.url"
    return api_field


def form_errors(api_errors: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The API's field errors by form field, and one line for those the form lacks."""
    errors: dict[str, str] = {}
    others: list[str] = []
    for api_field, message in api_errors.items():
        name = form_field(api_field)
        if name in FORM_FIELDS:
            errors.setdefault(name, message)
        else:
            others.append(f"{api_field}: {message}")
    return errors, " ".join(others)


def body_fingerprint(body: Mapping[str, Any]) -> str:
    """Equal for equal bodies: a retry of the same body reuses its Idempotency-Key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def rejection_message(rejected: Sequence[Mapping[str, Any]]) -> str:
    """What the browser's file picker refused (react-dropzone's error codes), in words."""
    codes = {
        str(error.get("code") or "")
        for item in rejected
        for error in (item.get("errors") or [])
        if isinstance(error, Mapping)
    }
    if "file-too-large" in codes:
        return IMAGE_TOO_BIG
    if "too-many-files" in codes:
        return "Choose one image."
    return IMAGE_NOT_ACCEPTED


def upload_problem(filename: str, content_type: str, size: int) -> str:
    """Why an upload is refused before it is sent, or nothing."""
    if size > IMAGE_MAX_BYTES:
        return IMAGE_TOO_BIG
    if size == 0:
        return "The file is empty."
    name = filename.lower()
    known = any(name.endswith(ext) for exts in IMAGE_TYPES.values() for ext in exts)
    if content_type not in IMAGE_TYPES and not known:
        return IMAGE_NOT_ACCEPTED
    return ""


def image_content_type(filename: str, content_type: str) -> str:
    """The type to send for an upload: the browser's, or one from the file's extension."""
    if content_type in IMAGE_TYPES:
        return content_type
    name = filename.lower()
    for kind, extensions in IMAGE_TYPES.items():
        if any(name.endswith(ext) for ext in extensions):
            return kind
    return content_type or "application/octet-stream"
