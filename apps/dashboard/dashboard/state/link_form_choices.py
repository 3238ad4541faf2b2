"""The link form's fields as the merchant changes them: text typed (for the live preview),
the choices the form keeps in state, the metadata rows and the image. Each change
clears the error shown under that field."""

from dataclasses import replace
from typing import Any

import reflex as rx

from dashboard.image_rules import rejection_message
from dashboard.link_draft import (
    DEFAULT_MODES,
    FIELD_MODES,
    NO_VENUE,
    TEXT_FIELDS,
    FormDraft,
    MetadataRow,
)
from dashboard.venue_rows import VenueRow

#: The error a text input's change clears, when not named like the input.
ERROR_OF = {
    "expires_date": "expires_at",
    "expires_time": "expires_at",
    "thank_you_message": "after_payment.message",
    "redirect_url": "after_payment.url",
}


def one(value: str | list[str]) -> str:
    """A segmented control's value (a list only in its multiple mode, unused here)."""
    return value if isinstance(value, str) else (value[0] if value else "")


class LinkFormChoices(rx.State, mixin=True):
    draft: FormDraft = FormDraft()
    venues: list[VenueRow] = []
    errors: dict[str, str] = {}
    uploading: bool = False
    #: Why the amount can't change (an edited link that has taken a payment), or "".
    amount_lock: str = ""

    def _clear(self, *names: str) -> None:
        self.errors = {k: v for k, v in self.errors.items() if k not in names}

    def _change(self, **changes: Any) -> None:
        self.draft = replace(self.draft, **changes)

    def set_text(self, name: str, value: str) -> None:
        if name in TEXT_FIELDS:
            self._change(**{name: value})
            self._clear(ERROR_OF.get(name, name))

    def set_link_type(self, value: str) -> None:
        self._change(link_type="one_off" if value == "one_off" else "reusable")
        self._clear("type", "max_payments")

    def set_amount_type(self, value: str | list[str]) -> None:
        if not self.amount_lock:
            self._change(amount_type="variable" if one(value) == "variable" else "fixed")
            self._clear("amount_type", "amount", "min_amount", "max_amount")

    def set_after_type(self, value: str | list[str]) -> None:
        self._change(after_type="redirect" if one(value) == "redirect" else "thank_you")
        self._clear("after_payment.url", "after_payment.message")

    def set_customer_mode(self, name: str, value: str | list[str]) -> None:
        mode = one(value)
        if name in DEFAULT_MODES and mode in dict(FIELD_MODES):
            self._change(customer_modes={**self.draft.customer_modes, name: mode})
            self._clear(f"customer_fields.{name}")

    def set_venue(self, value: str) -> None:
        known = any(venue.id == value for venue in self.venues)
        self._change(venue_id=value if known else NO_VENUE)
        self._clear("venue_id")

    # ---- metadata ---------------------------------------------------------------------

    def add_metadata_row(self) -> None:
        self._change(metadata_rows=[*self.draft.metadata_rows, MetadataRow()])

    def remove_metadata_row(self, index: int) -> None:
        rows = [row for i, row in enumerate(self.draft.metadata_rows) if i != index]
        self._change(metadata_rows=rows)
        self._clear("metadata")

    def set_metadata_key(self, index: int, value: str) -> None:
        self._set_metadata(index, key=value)

    def set_metadata_value(self, index: int, value: str) -> None:
        self._set_metadata(index, value=value)

    def _set_metadata(self, index: int, **part: str) -> None:
        rows = list(self.draft.metadata_rows)
        if 0 <= index < len(rows):
            rows[index] = replace(rows[index], **part)
            self._change(metadata_rows=rows)
            self._clear("metadata")

    # ---- the image --------------------------------------------------------------------

    def image_rejected(self, rejected: list[dict[str, Any]]) -> None:
        """The file picker refused the file (too big, not an image) before any upload."""
        self.errors = {**self.errors, "image": rejection_message(rejected)}

    def remove_image(self) -> None:
        self._change(image_id="", image_url="")
        self._clear("image")
