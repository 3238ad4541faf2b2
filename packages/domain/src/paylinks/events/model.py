"""Events: what happened to a store's links, payments and refunds, as webhooks carry it.

Each type's ``data`` is a Struct, built by that event's constructor; ``DATA`` maps each
type to it, and the API publishes its schemas. Once recorded, ``data`` is the stored JSON,
forwarded as it is (``msgspec.Raw``): read back, nothing decodes it again.
"""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

import msgspec

from paylinks.links.model import LinkView
from paylinks.payments.model import PaymentView
from paylinks.refunds.model import Refund


class EventType(StrEnum):
    LINK_CREATED = "payment_link.created"
    LINK_UPDATED = "payment_link.updated"
    LINK_DEACTIVATED = "payment_link.deactivated"
    LINK_PAID = "payment_link.paid"
    REFUND_CREATED = "payment_link.refund.created"
    REFUND_SUCCEEDED = "payment_link.refund.succeeded"
    REFUND_FAILED = "payment_link.refund.failed"


class LinkEventData(msgspec.Struct, frozen=True, kw_only=True):
    """The link as it is after the change."""

    payment_link: LinkView


class PaymentEventData(msgspec.Struct, frozen=True, kw_only=True):
    """The link and the payment that paid it."""

    payment_link: LinkView
    payment: PaymentView


class RefundEventData(msgspec.Struct, frozen=True, kw_only=True):
    """The link, the payment and the refund of it."""

    payment_link: LinkView
    payment: PaymentView
    refund: Refund


EventData = LinkEventData | PaymentEventData | RefundEventData

#: The ``data`` each type carries: the one source of the schemas the API publishes.
DATA: Mapping[EventType, type[EventData]] = MappingProxyType(
    {
        EventType.LINK_CREATED: LinkEventData,
        EventType.LINK_UPDATED: LinkEventData,
        EventType.LINK_DEACTIVATED: LinkEventData,
        EventType.LINK_PAID: PaymentEventData,
        EventType.REFUND_CREATED: RefundEventData,
        EventType.REFUND_SUCCEEDED: RefundEventData,
        EventType.REFUND_FAILED: RefundEventData,
    }
)


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event about to be recorded: made by one of the constructors below."""

    type: EventType
    data: EventData

    @property
    def payment_link_id(self) -> str:
        return self.data.payment_link.id

    @property
    def refund_id(self) -> str | None:
        return self.data.refund.id if isinstance(self.data, RefundEventData) else None


def link_created(link: LinkView) -> NewEvent:
    return NewEvent(type=EventType.LINK_CREATED, data=LinkEventData(payment_link=link))


def link_updated(link: LinkView) -> NewEvent:
    """The link was edited or reactivated."""
    return NewEvent(type=EventType.LINK_UPDATED, data=LinkEventData(payment_link=link))


def link_deactivated(link: LinkView) -> NewEvent:
    return NewEvent(type=EventType.LINK_DEACTIVATED, data=LinkEventData(payment_link=link))


def link_paid(link: LinkView, payment: PaymentView) -> NewEvent:
    return NewEvent(
        type=EventType.LINK_PAID, data=PaymentEventData(payment_link=link, payment=payment)
    )


def refund_created(link: LinkView, payment: PaymentView, refund: Refund) -> NewEvent:
    return _refund_event(EventType.REFUND_CREATED, link, payment, refund)


def refund_succeeded(link: LinkView, payment: PaymentView, refund: Refund) -> NewEvent:
    return _refund_event(EventType.REFUND_SUCCEEDED, link, payment, refund)


def refund_failed(link: LinkView, payment: PaymentView, refund: Refund) -> NewEvent:
    return _refund_event(EventType.REFUND_FAILED, link, payment, refund)


def _refund_event(
    event_type: EventType, link: LinkView, payment: PaymentView, refund: Refund
) -> NewEvent:
    data = RefundEventData(payment_link=link, payment=payment, refund=refund)
    return NewEvent(type=event_type, data=data)


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """The envelope, as the API and webhooks send it: ``data`` is the stored JSON of the
    type's ``DATA`` Struct."""

    id: str
    type: EventType
    created_at: datetime
    store_id: str
    data: msgspec.Raw


class Unrelayed(msgspec.Struct, frozen=True, kw_only=True):
    """An event the relay took from the outbox, with the refund it reports (if any), whose
    submission the relay also enqueues."""

    event: Event
    refund_id: str | None
