"""Recording events in the outbox, and reading them back for the API."""

from datetime import datetime

import msgspec

from paylinks.errors import NotFound
from paylinks.events import repository
from paylinks.events.model import Event, EventType, NewEvent
from paylinks.ids import Prefix, new_id
from paylinks.pagination import Page, Window, page_of


async def record(store_id: str, new: NewEvent, now: datetime) -> Event:
    """Write the event; call inside the transaction of the change it reports. Its data is
    encoded here, once: from then on it travels as these bytes."""
    event = Event(
        id=new_id(Prefix.EVENT),
        type=new.type,
        created_at=now,
        store_id=store_id,
        data=msgspec.Raw(msgspec.json.encode(new.data)),
    )
    await repository.insert(event, new.payment_link_id, new.refund_id)
    return event


async def get_event(store_id: str, event_id: str) -> Event:
    event = await repository.get(store_id, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


async def list_events(
    store_id: str,
    window: Window,
    event_type: EventType | None = None,
    payment_link_id: str | None = None,
) -> Page[Event]:
    rows = await repository.list_events(store_id, window, event_type, payment_link_id)
    return page_of(rows, window)
