"""Refunds: ``pending`` until the gateway says ``succeeded`` or ``failed``."""

from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from paylinks.backoff import doubling
from paylinks.errors import FieldError, ValidationFailed

REASON_MAX = 500
#: How long a job holds a pending refund it took: short, so that the refunds of a worker
#: killed mid-job are taken again soon. The job gives up on the gateway before that.
LEASE = timedelta(seconds=20)
ATTEMPT_TIMEOUT = timedelta(seconds=15)
#: How long the sweep waits for a job it enqueued before it enqueues the refund again (a
#: job lost with a killed worker; one merely late finds the refund settled or held).
QUEUED_FOR = timedelta(seconds=20)
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


#: The refund lifecycle, as data: where each status may go next.
TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.SUCCEEDED: frozenset(),
    RefundStatus.FAILED: frozenset(),
}


def from_statuses(*targets: RefundStatus) -> frozenset[RefundStatus]:
    """The statuses from which a refund may move to each of ``targets``: those an update
    that moves it there may find it in (its ``WHERE status IN (…)``)."""
    return frozenset(status for status, moves in TRANSITIONS.items() if moves.issuperset(targets))


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


def retry_delay(attempts: int) -> timedelta:
    """How long a refund still pending after ``attempts`` jobs waits for the next one:
    doubling from 30 seconds, at most an hour (a gateway may be down for a while, and a
    refund pending at the gateway may take days)."""
    return doubling(attempts, RETRY_FIRST, RETRY_MAX)
