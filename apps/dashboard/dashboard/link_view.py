"""How the link detail page shows a link and its sends (pure): the API's objects in, rows
of display strings out, so the page only lays them out."""

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from dashboard.display import badge_color, money, when
from dashboard.link_rows import link_status, status_label, type_label

__all__ = [
    "LinkFacts",
    "MessageRow",
    "can_deactivate",
    "can_reactivate",
    "can_send",
    "link_facts",
    "link_status",
    "message_row",
    "route_link_id",
]

#: What an id of a link looks like before the API is asked (``plink_`` + 32 hex).
LINK_PREFIX = "plink_"

CHANNEL_LABELS = {"email": "Email", "sms": "SMS"}


def route_link_id(path: str) -> str:
    """The link id of a page address such as ``/payment-links/plink_…`` or
    ``/payment-links/plink_…/edit`` ('' for none)."""
    parts = path.rstrip("/").split("/")
    last = parts[-2] if parts[-1] == "edit" and len(parts) > 1 else parts[-1]
    return last if last.startswith(LINK_PREFIX) else ""


def can_deactivate(link: dict[str, Any]) -> bool:
    """Active and expired links can be deactivated; an inactive one stays as it is."""
    return link.get("status") in {"active", "expired"}


def can_send(link: dict[str, Any]) -> bool:
    return link.get("status") == "active"


def can_reactivate(link: dict[str, Any]) -> bool:
    """Any inactive link is offered; the API refuses (and says why) for a completed one-off
    link or a link at its cap."""
    return link.get("status") == "inactive"


def _amount(link: dict[str, Any], currency: str) -> str:
    if link.get("amount_type") == "fixed":
        return money(link.get("amount"), currency)
    low, high = link.get("min_amount"), link.get("max_amount")
    if low is not None and high is not None:
        return f"Customer chooses, {money(low, currency)} – {money(high, currency)}"
    if low is not None:
        return f"Customer chooses, at least {money(low, currency)}"
    if high is not None:
        return f"Customer chooses, up to {money(high, currency)}"
    return "Customer chooses"


def _type(link: dict[str, Any]) -> str:
    label = type_label(link)
    cap = link.get("max_payments")
    if link.get("type") == "reusable" and cap:
        return f"{label}, up to {cap} payment" + ("" if cap == 1 else "s")
    return label


@dataclass
class LinkFacts:
    """Everything the page shows about a link, as display strings."""

    id: str = ""
    title: str = ""
    description: str = ""
    reference: str = ""
    url: str = ""
    image_url: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    amount: str = ""
    type: str = ""
    created: str = ""
    expires: str = ""
    deactivated: str = ""
    venue: str = ""
    payments: str = "0"
    collected: str = ""
    refunded: str = ""


@dataclass
class MessageRow:
    """One send of the link: where it went, how it went, and why not when it failed."""

    id: str = ""
    channel: str = ""
    recipient: str = ""
    status: str = ""
    status_color: str = "gray"
    note: str = ""
    when: str = ""


def link_facts(link: dict[str, Any], venue_name: str = "", zone: tzinfo = UTC) -> LinkFacts:
    currency = str(link.get("currency") or "")
    status = link_status(link)
    return LinkFacts(
        id=str(link.get("id") or ""),
        title=str(link.get("title") or ""),
        description=str(link.get("description") or ""),
        reference=str(link.get("reference") or ""),
        url=str(link.get("url") or ""),
        image_url=str(link.get("image_url") or ""),
        status=status,
        status_label=status_label(link),
        status_color=badge_color(status),
        amount=_amount(link, currency),
        type=_type(link),
        created=when(link.get("created_at"), zone),
        expires=when(link.get("expires_at"), zone) or "Never",
        deactivated=when(link.get("deactivated_at"), zone),
        venue=venue_name or ("No venue" if not link.get("venue_id") else str(link["venue_id"])),
        payments=str(int(link.get("payments_count") or 0)),
        collected=money(int(link.get("amount_collected") or 0), currency),
        refunded=money(int(link.get("amount_refunded") or 0), currency),
    )


def message_row(message: dict[str, Any], zone: tzinfo = UTC) -> MessageRow:
    status = str(message.get("status") or "")
    outbox = message.get("transport") == "outbox"
    if status == "failed":
        note = str(message.get("error") or "The message could not be sent.")
    elif outbox:
        note = "Kept in the local outbox: not delivered (no SMTP or Twilio configured)."
    else:
        note = str(message.get("error") or "")
    label = "not delivered" if outbox and status == "sent" else status
    return MessageRow(
        id=str(message.get("id") or ""),
        channel=CHANNEL_LABELS.get(str(message.get("channel")), str(message.get("channel"))),
        recipient=str(message.get("recipient") or ""),
        status=label,
        status_color="orange" if label == "not delivered" else badge_color(status),
        note=note,
        when=when(message.get("sent_at") or message.get("created_at"), zone),
    )
