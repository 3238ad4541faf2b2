"""Events' data: one constructor per event type, each giving the data Struct its type
publishes, and the same JSON as the API shows each object."""

from datetime import UTC, datetime

import msgspec
import pytest

from paylinks.events.model import (
    DATA,
    EventType,
    link_created,
    link_deactivated,
    link_paid,
    link_updated,
    refund_created,
    refund_failed,
    refund_succeeded,
)
from paylinks.links.model import PublicUrls, ThankYou, to_view
from paylinks.payments.model import to_payment_view
from paylinks.refunds.model import Refund, RefundStatus
from tests.factories import payment, payment_link

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
URLS = PublicUrls(checkout_url="https://pay.example.com", api_url="https://api.example.com")
LINK = to_view(payment_link(metadata={"order": "42"}, after_payment=ThankYou()), URLS, NOW)
PAYMENT = to_payment_view(payment())
REFUND = Refund(
    id="re_019dbc4d828174419d9ff9fae24aea7e",
    store_id="store_019dbc4d828174419d9ff9fae24aea7c",
    payment_id=PAYMENT.id,
    payment_link_id=LINK.id,
    amount=450,
    currency="GBP",
    reason="Broken cup",
    status=RefundStatus.PENDING,
    reference=None,
    failure_reason=None,
    created_at=NOW,
    settled_at=None,
)


#: Every event, made by its constructor.
EVENTS = {
    EventType.LINK_CREATED: link_created(LINK),
    EventType.LINK_UPDATED: link_updated(LINK),
    EventType.LINK_DEACTIVATED: link_deactivated(LINK),
    EventType.LINK_PAID: link_paid(LINK, PAYMENT),
    EventType.REFUND_CREATED: refund_created(LINK, PAYMENT, REFUND),
    EventType.REFUND_SUCCEEDED: refund_succeeded(LINK, PAYMENT, REFUND),
    EventType.REFUND_FAILED: refund_failed(LINK, PAYMENT, REFUND),
}


class TestConstructors:
    def test_every_event_type_has_one(self) -> None:
        assert set(EVENTS) == set(EventType)

    @pytest.mark.parametrize("event_type", list(EventType))
    def test_each_gives_its_type_and_the_data_its_type_publishes(
        self, event_type: EventType
    ) -> None:
        event = EVENTS[event_type]
        assert event.type is event_type
        assert type(event.data) is DATA[event_type]

    @pytest.mark.parametrize("event_type", list(EventType))
    def test_each_names_the_link_it_is_about(self, event_type: EventType) -> None:
        assert EVENTS[event_type].payment_link_id == LINK.id

    def test_refund_events_name_their_refund(self) -> None:
        named = {event_type: event.refund_id for event_type, event in EVENTS.items()}
        assert named == {
            EventType.LINK_CREATED: None,
            EventType.LINK_UPDATED: None,
            EventType.LINK_DEACTIVATED: None,
            EventType.LINK_PAID: None,
            EventType.REFUND_CREATED: REFUND.id,
            EventType.REFUND_SUCCEEDED: REFUND.id,
            EventType.REFUND_FAILED: REFUND.id,
        }


class TestWireFormat:
    """Webhook receivers see the objects exactly as the API shows them, in this order."""

    def test_a_link_event_carries_the_link(self) -> None:
        wire = msgspec.json.encode(EVENTS[EventType.LINK_CREATED].data)
        assert wire == msgspec.json.encode({"payment_link": msgspec.to_builtins(LINK)})

    def test_a_payment_event_carries_the_link_and_the_payment(self) -> None:
        wire = msgspec.json.encode(EVENTS[EventType.LINK_PAID].data)
        expected = {"payment_link": LINK, "payment": PAYMENT}
        assert wire == msgspec.json.encode(msgspec.to_builtins(expected))

    def test_a_refund_event_carries_the_link_the_payment_and_the_refund(self) -> None:
        wire = msgspec.json.encode(EVENTS[EventType.REFUND_FAILED].data)
        expected = {"payment_link": LINK, "payment": PAYMENT, "refund": REFUND}
        assert wire == msgspec.json.encode(msgspec.to_builtins(expected))

    @pytest.mark.parametrize("event_type", list(EventType))
    def test_stored_data_decodes_as_its_types_struct(self, event_type: EventType) -> None:
        data = EVENTS[event_type].data
        assert msgspec.json.decode(msgspec.json.encode(data), type=DATA[event_type]) == data


class TestDataByType:
    def test_every_type_has_its_data(self) -> None:
        assert set(DATA) == set(EventType)

    @pytest.mark.parametrize("event_type", list(EventType))
    def test_its_schema_requires_exactly_what_its_events_carry(self, event_type: EventType) -> None:
        struct = DATA[event_type]
        schema = msgspec.json.schema(struct)["$defs"][struct.__name__]
        carried = msgspec.to_builtins(EVENTS[event_type].data)
        assert sorted(schema["required"]) == sorted(carried)
