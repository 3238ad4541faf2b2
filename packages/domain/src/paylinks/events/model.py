"""Events: what happened to a store's links, payments and refunds, as webhooks carry it."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec


class EventType(StrEnum):
    LINK_CREATED = "payment_link.created"
    LINK_DEACTIVATED = "payment_link.deactivated"
    LINK_PAID = "payment_link.paid"
    REFUND_CREATED = "payment_link.refund.created"
    REFUND_SUCCEEDED = "payment_link.refund.succeeded"
    REFUND_FAILED = "payment_link.refund.failed"


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """The envelope: ``data`` holds ``payment_link`` and, where relevant, ``payment`` and
    ``refund``, each as the API shows it."""

    id: str
    type: EventType
    created_at: datetime
    store_id: str
    data: dict[str, Any]
