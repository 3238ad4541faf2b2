"""Venues as the page lists them, and the add-venue form read into a request (pure)."""

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from dashboard.display import when

NAME_MAX = 120
ADDRESS_MAX = 300


@dataclass
class VenueRow:
    id: str = ""
    name: str = ""
    address: str = ""
    created: str = ""


def venue_row(venue: dict[str, Any], zone: tzinfo = UTC) -> VenueRow:
    return VenueRow(
        id=str(venue.get("id") or ""),
        name=str(venue.get("name") or ""),
        address=str(venue.get("address") or ""),
        created=when(venue.get("created_at"), zone),
    )


def venue_request(form: dict[str, Any]) -> tuple[str, str | None, dict[str, str]]:
    """The name and address (None when blank) to send, and a message per bad field."""
    name = str(form.get("name") or "").strip()
    address = str(form.get("address") or "").strip() or None
    errors = {}
    if not name:
        errors["name"] = "Enter the venue's name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Use at most {NAME_MAX} characters."
    if address is not None and len(address) > ADDRESS_MAX:
        errors["address"] = f"Use at most {ADDRESS_MAX} characters."
    return name, address, errors
