"""Editing a payment link, pure: which fields may change, and when.

An edit is checked by the rules of a new link (``validate_link``) applied to the link as it
would be after it, so that no edit makes a link that could not have been created. Its
amount fields change only while the link has taken no payment (the API's 409
``link_has_payments``); its cap never falls below the payments taken plus those under way,
which only the database knows at the moment of the change (its conditional update).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from paylinks.errors import Conflict, FieldError, ValidationFailed
from paylinks.links.model import LinkDraft, PaymentLink, validate_link

#: What a customer pays: fixed only while the link has taken no payment.
AMOUNT_FIELDS = frozenset({"amount_type", "amount", "min_amount", "max_amount"})
#: Every field an edit may change; ``type`` and ``currency`` never do.
EDITABLE = frozenset(
    {
        "title",
        "description",
        "reference",
        "image_id",
        "expires_at",
        "max_payments",
        "customer_fields",
        "after_payment",
        "venue_id",
        "metadata",
        *AMOUNT_FIELDS,
    }
)


class LinkHasPayments(Conflict):
    code = "link_has_payments"

    def __init__(self) -> None:
        super().__init__(
            "The amount of a link that has taken a payment, or has one under way, cannot "
            "change: create another link."
        )


def cap_too_low(taken: int) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "max_payments",
                f"At least {taken}: the payments taken plus those under way.",
            )
        ]
    )


def draft_of(link: PaymentLink) -> LinkDraft:
    """The link as a merchant's request would describe it."""
    return LinkDraft(
        **{field: getattr(link, field) for field in LinkDraft.__struct_fields__},
    )


def check_edit(link: PaymentLink, changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The changes that differ from ``link``, normalised as creation normalises them.

    Raises ValidationFailed naming each field that cannot change or breaks a rule of a new
    link, and LinkHasPayments for an amount change once the link has taken a payment. An
    expiry left as it is (or sent as it is) is not checked again: an expired link may
    still be edited.
    """
    fixed = sorted(set(changes) - EDITABLE)
    if fixed:
        raise ValidationFailed([FieldError(field, "Cannot be changed.") for field in fixed])
    after = msgspec.structs.replace(draft_of(link), **changes)
    if after.expires_at == link.expires_at:
        # Checked when it was set; by now it may have passed.
        unchecked = msgspec.structs.replace(after, expires_at=None)
        valid = msgspec.structs.replace(validate_link(unchecked, now), expires_at=link.expires_at)
    else:
        valid = validate_link(after, now)
    changed = {
        field: getattr(valid, field)
        for field in changes
        if getattr(valid, field) != getattr(link, field)
    }
    if AMOUNT_FIELDS & changed.keys() and link.payments_count > 0:
        raise LinkHasPayments()
    cap = changed.get("max_payments")
    if cap is not None and cap < link.payments_count:
        raise cap_too_low(link.payments_count)
    return changed
