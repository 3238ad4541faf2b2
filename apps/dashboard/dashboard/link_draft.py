"""What the link form holds (pure): every field as the merchant sees it (text, amounts in
major units, the expiry in their time zone), blank for a new link or filled from a link
for Edit and Duplicate."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from dashboard.display import moment_of
from paylinks.money import exponent, to_decimal

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
NO_VENUE = "none"


@dataclass
class MetadataRow:
    key: str = ""
    value: str = ""


@dataclass
class FormDraft:
    """The form's fields; the text ones are named like their inputs."""

    title: str = ""
    description: str = ""
    reference: str = ""
    link_type: str = "reusable"
    amount_type: str = "fixed"
    amount: str = ""
    min_amount: str = ""
    max_amount: str = ""
    max_payments: str = ""
    expires_date: str = ""
    expires_time: str = ""
    image_id: str = ""
    image_url: str = ""
    customer_modes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODES))
    after_type: str = "thank_you"
    thank_you_message: str = ""
    redirect_url: str = ""
    venue_id: str = NO_VENUE
    metadata_rows: list[MetadataRow] = field(default_factory=list)


#: The fields typed into inputs, by the input's name (the others are choices).
TEXT_FIELDS = frozenset(
    {
        "title",
        "description",
        "reference",
        "amount",
        "min_amount",
        "max_amount",
        "max_payments",
        "expires_date",
        "expires_time",
        "thank_you_message",
        "redirect_url",
    }
)


#: What a customer pays: locked together once a link has taken a payment.
AMOUNT_INPUTS = ("amount_type", "amount", "min_amount", "max_amount")


def with_text(draft: FormDraft, values: Mapping[str, Any]) -> FormDraft:
    """``draft`` with the text inputs of a submitted form (other names are ignored)."""
    typed: dict[str, Any] = {
        name: str(value or "") for name, value in values.items() if name in TEXT_FIELDS
    }
    return replace(draft, **typed)


def major_text(amount: Any, currency: str) -> str:
    """Minor units as the plain text a merchant types (``1450`` → ``14.50``)."""
    if not isinstance(amount, int):
        return ""
    return f"{to_decimal(amount, currency):.{exponent(currency)}f}"


def _expiry(link: Mapping[str, Any], zone: tzinfo, after: datetime | None) -> tuple[str, str]:
    moment = moment_of(link.get("expires_at"))
    if moment is None or (after is not None and moment <= after):
        return "", ""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def draft_of(
    link: Mapping[str, Any], zone: tzinfo = UTC, *, expiring_after: datetime | None = None
) -> FormDraft:
    """A link of the API as the form shows it; an expiry not after ``expiring_after`` is
    left out (a duplicate needs an expiry in the future)."""
    currency = str(link.get("currency") or "")
    after = link.get("after_payment") or {}
    modes = link.get("customer_fields") or {}
    day, at = _expiry(link, zone, expiring_after)
    cap = link.get("max_payments")
    return FormDraft(
        title=str(link.get("title") or ""),
        description=str(link.get("description") or ""),
        reference=str(link.get("reference") or ""),
        link_type="one_off" if link.get("type") == "one_off" else "reusable",
        amount_type="variable" if link.get("amount_type") == "variable" else "fixed",
        amount=major_text(link.get("amount"), currency),
        min_amount=major_text(link.get("min_amount"), currency),
        max_amount=major_text(link.get("max_amount"), currency),
        max_payments=str(cap) if isinstance(cap, int) else "",
        expires_date=day,
        expires_time=at,
        image_id=str(link.get("image_id") or ""),
        image_url=str(link.get("image_url") or ""),
        customer_modes={name: str(modes.get(name) or "disabled") for name in DEFAULT_MODES},
        after_type="redirect" if after.get("type") == "redirect" else "thank_you",
        thank_you_message=str(after.get("message") or ""),
        redirect_url=str(after.get("url") or ""),
        venue_id=str(link.get("venue_id") or NO_VENUE),
        metadata_rows=[
            MetadataRow(str(k), str(v)) for k, v in (link.get("metadata") or {}).items()
        ],
    )


#: Why the type is shown but not editable (the API never changes it).
TYPE_LOCKED = "A link's type can't change. Duplicate the link to make the other kind."


def amount_lock(link: Mapping[str, Any]) -> str:
    """Why the amount of ``link`` can't change any more, or nothing while it can."""
    if int(link.get("payments_count") or 0) > 0:
        return (
            "The amount can't change after a payment. Duplicate the link to charge another amount."
        )
    return ""
