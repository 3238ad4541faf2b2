"""The link form's rules for one field at a time (pure): amounts in major units, the cap,
the expiry in the merchant's time zone, what follows the payment, and metadata. Each
writes what is valid into the API body and returns a message per field that is not."""

from collections.abc import Sequence
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from babel.numbers import get_currency_symbol

from dashboard.display import MoneyError, parse_major
from dashboard.link_draft import FormDraft, MetadataRow
from paylinks.links.model import (
    METADATA_KEY_MAX,
    METADATA_MAX_KEYS,
    METADATA_VALUE_MAX,
    THANK_YOU_MAX,
    URL_MAX,
    is_allowed_redirect,
)
from paylinks.money import exponent

Body = dict[str, Any]
Errors = dict[str, str]
CAP_MAX = 1_000_000_000


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


def minor(text: str, currency: str) -> int:
    """A positive amount in major units as minor units; MoneyError says why not."""
    amount = parse_major(text, currency)
    if amount <= 0:
        raise MoneyError("Enter an amount above zero.")
    return amount


def text(errors: Errors, body: Body, name: str, value: str, limit: int) -> None:
    value = value.strip()
    if len(value) > limit:
        errors[name] = f"At most {limit:,} characters (now {len(value):,})."
    elif value:
        body[name] = value


def amounts(draft: FormDraft, currency: str, body: Body) -> Errors:
    if body["amount_type"] == "fixed":
        if not draft.amount.strip():
            return {"amount": "Enter the amount the customer pays."}
        try:
            body["amount"] = minor(draft.amount, currency)
        except MoneyError as error:
            return {"amount": str(error)}
        return {}
    errors: Errors = {}
    for name, value in (("min_amount", draft.min_amount), ("max_amount", draft.max_amount)):
        if value.strip():
            try:
                body[name] = minor(value, currency)
            except MoneyError as error:
                errors[name] = str(error)
    low, high = body.get("min_amount"), body.get("max_amount")
    if low is not None and high is not None and low > high:
        errors["min_amount"] = "The minimum is more than the maximum."
    return errors


def max_payments(draft: FormDraft, body: Body) -> Errors:
    value = draft.max_payments.strip()
    if body["type"] != "reusable" or not value:
        return {}
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        return {"max_payments": "Enter a whole number of payments, 1 or more."}
    if int(value) > CAP_MAX:
        return {"max_payments": f"At most {CAP_MAX:,} payments."}
    body["max_payments"] = int(value)
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


def after_payment(draft: FormDraft, body: Body) -> Errors:
    if draft.after_type == "redirect":
        url = draft.redirect_url.strip()
        if not url:
            return {"after_payment.url": "Enter the address to send customers to."}
        if len(url) > URL_MAX or not is_allowed_redirect(url):
            return {"after_payment.url": "Enter a full https:// address (http only for localhost)."}
        body["after_payment"] = {"type": "redirect", "url": url}
        return {}
    message = draft.thank_you_message.strip()
    if len(message) > THANK_YOU_MAX:
        return {"after_payment.message": f"At most {THANK_YOU_MAX} characters."}
    body["after_payment"] = {"type": "thank_you", **({"message": message} if message else {})}
    return {}


def metadata_of(rows: Sequence[MetadataRow]) -> tuple[dict[str, str], str]:
    """Key/value rows (blank rows skipped) as the metadata map, or what is wrong."""
    metadata: dict[str, str] = {}
    for row in rows:
        key, value = row.key.strip(), row.value
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
