"""How a payment link reads in the list (pure): its amount, type and status in words, and
the filter choices the list offers. The link's own page words its status and type the
same way (``link_view``)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from dashboard.display import badge_color, money, when

ALL = "all"
STATUS_CHOICES: list[tuple[str, str]] = [
    (ALL, "All statuses"),
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("expired", "Expired"),
]
TYPE_CHOICES: list[tuple[str, str]] = [
    (ALL, "All types"),
    ("one_off", "One-off"),
    ("reusable", "Reusable"),
]
TYPE_LABELS = {"one_off": "One-off", "reusable": "Reusable"}
#: By ``link_status``: an inactive link is labelled with the reason it is inactive.
STATUS_LABELS = {
    "active": "Active",
    "inactive": "Inactive",
    "expired": "Expired",
    "deactivated": "Deactivated",
    "completed": "Completed",
    "max_payments_reached": "Limit reached",
}


def amount_label(link: Mapping[str, Any]) -> str:
    """``£14.50`` for a fixed amount; for a variable one its bounds, or "Any amount"."""
    currency = str(link.get("currency") or "")
    if link.get("amount_type") != "variable":
        return money(link.get("amount"), currency)
    low, high = link.get("min_amount"), link.get("max_amount")
    if low is not None and high is not None:
        return f"{money(low, currency)}–{money(high, currency)}"
    if low is not None:
        return f"From {money(low, currency)}"
    if high is not None:
        return f"Up to {money(high, currency)}"
    return "Any amount"


def link_status(link: Mapping[str, Any]) -> str:
    """The status a merchant reads: an inactive link says why (deactivated, completed …)."""
    status = str(link.get("status") or "")
    if status == "inactive" and link.get("inactive_reason"):
        return str(link["inactive_reason"])
    return status


def status_label(link: Mapping[str, Any]) -> str:
    status = link_status(link)
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def type_label(link: Mapping[str, Any]) -> str:
    return TYPE_LABELS.get(str(link.get("type")), str(link.get("type") or ""))


@dataclass
class LinkRow:
    """A row of the links list: each fact once, as the merchant reads it."""

    id: str = ""
    title: str = ""
    url: str = ""
    reference: str = ""
    amount: str = ""
    type: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    payments: str = ""
    collected: str = ""
    created: str = ""


def row_of(link: Mapping[str, Any], zone: tzinfo = UTC) -> LinkRow:
    """A link of ``GET /v1/payment-links`` as the table shows it."""
    currency = str(link.get("currency") or "")
    return LinkRow(
        id=str(link.get("id") or ""),
        title=str(link.get("title") or ""),
        url=str(link.get("url") or ""),
        reference=str(link.get("reference") or ""),
        amount=amount_label(link),
        type=type_label(link),
        status=str(link.get("status") or ""),
        status_label=status_label(link),
        status_color=badge_color(link_status(link)),
        payments=f"{int(link.get('payments_count') or 0):,}",
        collected=money(int(link.get("amount_collected") or 0), currency),
        created=when(str(link.get("created_at") or ""), zone),
    )


def choice(value: str, choices: list[tuple[str, str]]) -> str:
    """``value`` when it is one of the choices, else "all" (a stale or forged filter)."""
    return value if any(value == key for key, _ in choices) else ALL
