"""The Setup panel of a link (pure): everything it was created with, one labelled line
each, in the order of the form that made it."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from dashboard.display import money, when
from dashboard.link_draft import CUSTOMER_FIELDS, FIELD_MODES
from dashboard.link_rows import type_label

MODE_LABELS = dict(FIELD_MODES)


@dataclass
class SetupRow:
    label: str = ""
    value: str = ""


def _amount_rows(link: Mapping[str, Any], currency: str) -> list[SetupRow]:
    if link.get("amount_type") != "variable":
        return [SetupRow("Amount", f"Fixed, {money(link.get('amount'), currency)}")]
    low, high = link.get("min_amount"), link.get("max_amount")
    return [
        SetupRow("Amount", "The customer chooses"),
        SetupRow("Minimum", money(low, currency) if low is not None else "None"),
        SetupRow("Maximum", money(high, currency) if high is not None else "None"),
    ]


def _limit(link: Mapping[str, Any]) -> str:
    if link.get("type") == "one_off":
        return "One payment"
    cap = link.get("max_payments")
    return f"{cap:,} payments" if isinstance(cap, int) else "No limit"


def _after(link: Mapping[str, Any]) -> list[SetupRow]:
    after = link.get("after_payment") or {}
    if after.get("type") == "redirect":
        return [SetupRow("After payment", "Redirect"), SetupRow("Redirect URL", after["url"])]
    message = str(after.get("message") or "")
    return [
        SetupRow("After payment", "Thank-you page"),
        SetupRow("Thank-you message", message or "The default message"),
    ]


def _metadata(link: Mapping[str, Any]) -> str:
    pairs = (link.get("metadata") or {}).items()
    return ", ".join(f"{key} = {value}" for key, value in pairs) or "None"


def setup_rows(link: Mapping[str, Any], venue_name: str = "", zone: tzinfo = UTC) -> list[SetupRow]:
    currency = str(link.get("currency") or "")
    modes = link.get("customer_fields") or {}
    return [
        SetupRow("Title", str(link.get("title") or "")),
        SetupRow("Description", str(link.get("description") or "None")),
        SetupRow("Reference", str(link.get("reference") or "None")),
        SetupRow("Type", type_label(link)),
        *_amount_rows(link, currency),
        SetupRow("Currency", currency),
        SetupRow("Limit", _limit(link)),
        SetupRow("Expires", when(link.get("expires_at"), zone) or "Never"),
        SetupRow("Venue", venue_name or ("None" if not link.get("venue_id") else "Unknown")),
        SetupRow("Image", "Shown at checkout" if link.get("image_url") else "None"),
        *(
            SetupRow(label, MODE_LABELS.get(str(modes.get(name)), "Off"))
            for name, label in CUSTOMER_FIELDS
        ),
        *_after(link),
        SetupRow("Metadata", _metadata(link)),
    ]
