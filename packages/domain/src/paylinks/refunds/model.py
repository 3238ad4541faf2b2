"""Refunds: ``pending`` until the gateway says ``succeeded`` or ``failed``."""

from datetime import datetime
from enum import StrEnum

import msgspec

from paylinks.errors import FieldError, ValidationFailed

REASON_MAX = 500


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.SUCCEEDED: frozenset(),
    RefundStatus.FAILED: frozenset(),
}


class Refund(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    payment_id: str
    payment_link_id: str
    amount: int
    currency: str
    reason: str | None
    status: RefundStatus
    reference: str | None
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None


def refund_amount(requested: int | None, refundable: int) -> int:
    """The amount to refund: all that is left by default, else 0 < amount <= refundable."""
    if refundable <= 0:
        raise ValidationFailed([FieldError("amount", "Nothing is left to refund.")])
    amount = refundable if requested is None else requested
    if not 0 < amount <= refundable:
        raise ValidationFailed(
            [FieldError("amount", f"Refund from 1 to {refundable} (what is left to refund).")]
        )
    return amount


def clean_reason(reason: str | None) -> str | None:
    text = (reason or "").strip() or None
    if text is not None and len(text) > REASON_MAX:
        raise ValidationFailed([FieldError("reason", f"At most {REASON_MAX} characters.")])
    return text
