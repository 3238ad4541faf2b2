"""The link form, pure: a ``FormDraft`` becomes the body of ``POST /v1/payment-links`` (or
the changes of a ``PATCH``), or one message per field that is wrong, with the field the
merchant is taken to first.

The checks here only catch obvious mistakes early; the API checks every rule again and its
field errors are mapped back onto the same fields (``form_errors``).
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from dashboard import link_form_rules as rules
from dashboard.image_rules import rejection_message
from dashboard.link_draft import CUSTOMER_FIELDS, DEFAULT_MODES, NO_VENUE, FormDraft
from paylinks.links.edits import EDITABLE
from paylinks.links.model import DESCRIPTION_MAX, REFERENCE_MAX, TITLE_MAX

# The store settings page reads the image picker's refusals from here too.
__all__ = ["FIELD_ORDER", "FORM_FIELDS", "LinkRequest", "build_link", "rejection_message"]

#: Every field the form shows an error under, in the order of the form, with the id of
#: the element that takes the focus when it is the first one wrong.
FIELD_ORDER: list[tuple[str, str]] = [
    ("title", "title"),
    ("description", "description"),
    ("reference", "reference"),
    ("type", "type"),
    ("amount_type", "amount_type"),
    ("amount", "amount"),
    ("min_amount", "min_amount"),
    ("max_amount", "max_amount"),
    ("max_payments", "max_payments"),
    ("expires_at", "expires_date"),
    ("venue_id", "venue_id"),
    ("image", "image"),
    *((f"customer_fields.{name}", f"customer_fields.{name}") for name, _ in CUSTOMER_FIELDS),
    ("after_payment.message", "after_payment.message"),
    ("after_payment.url", "after_payment.url"),
    ("metadata", "metadata"),
]
FORM_FIELDS = frozenset(name for name, _ in FIELD_ORDER)


@dataclass
class LinkRequest:
    """The body to send, or why not (``errors`` by form field)."""

    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def build_link(draft: FormDraft, currency: str, now: datetime, zone: tzinfo = UTC) -> LinkRequest:
    """The draft as the API body of a new link (expiry read in ``zone``), or its errors."""
    request = LinkRequest()
    body, errors = request.body, request.errors
    if not draft.title.strip():
        errors["title"] = "Enter a title: customers see it at checkout."
    rules.text(errors, body, "title", draft.title, TITLE_MAX)
    rules.text(errors, body, "description", draft.description, DESCRIPTION_MAX)
    rules.text(errors, body, "reference", draft.reference, REFERENCE_MAX)

    body["type"] = "one_off" if draft.link_type == "one_off" else "reusable"
    body["amount_type"] = "variable" if draft.amount_type == "variable" else "fixed"
    errors.update(rules.amounts(draft, currency, body))
    errors.update(rules.max_payments(draft, body))

    expires_at, problem = rules.expiry(draft.expires_date, draft.expires_time, now, zone)
    if problem:
        errors["expires_at"] = problem
    elif expires_at:
        body["expires_at"] = expires_at

    if draft.image_id:
        body["image_id"] = draft.image_id
    modes = draft.customer_modes
    body["customer_fields"] = {
        name: modes[name] if modes.get(name) in ("optional", "required") else "disabled"
        for name in DEFAULT_MODES
    }
    errors.update(rules.after_payment(draft, body))
    if draft.venue_id and draft.venue_id != NO_VENUE:
        body["venue_id"] = draft.venue_id

    metadata, problem = rules.metadata_of(draft.metadata_rows)
    if problem:
        errors["metadata"] = problem
    elif metadata:
        body["metadata"] = metadata
    return request


def edit_changes(
    original: FormDraft, edited: FormDraft, currency: str, now: datetime, zone: tzinfo = UTC
) -> LinkRequest:
    """The ``PATCH`` body of an edit: only the fields that differ from the link as it was
    opened, ``None`` for one cleared. An expiry left as it was is not sent (nor checked:
    an expired link may be edited)."""
    kept_expiry = (original.expires_date, original.expires_time) == (
        edited.expires_date,
        edited.expires_time,
    )
    if kept_expiry:
        original = replace(original, expires_date="", expires_time="")
        edited = replace(edited, expires_date="", expires_time="")
    request = build_link(edited, currency, now, zone)
    if not request.ok:
        return request
    before = build_link(original, currency, now, zone).body
    after = request.body
    changes = {
        name: after.get(name)
        for name in sorted(EDITABLE - {"expires_at"})
        if after.get(name) != before.get(name)
    }
    if not kept_expiry:
        changes["expires_at"] = after.get("expires_at")
    return LinkRequest(body=changes)


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


def first_invalid(errors: Mapping[str, str]) -> str:
    """The id of the element to focus: the first field of the form that is wrong."""
    return next((element for name, element in FIELD_ORDER if errors.get(name)), "")


def body_fingerprint(body: Mapping[str, Any]) -> str:
    """Equal for equal bodies: a retry of the same body reuses its Idempotency-Key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
