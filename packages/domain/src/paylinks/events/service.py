"""Recording events in the outbox, and reading them back for the API."""

from datetime import datetime
from typing import Any

from paylinks.errors import NotFound
from paylinks.events import repository
from paylinks.events.model import Event, EventType
from paylinks.ids import Prefix, new_id
from paylinks.pagination import Page, page_of


async def record(
    store_id: str,
    event_type: EventType,
    data: dict[str, Any],
    now: datetime,
    payment_link_id: str | None,
) -> Event:
    """Write the event; call inside the transaction of the change it reports."""
    event = Event(
        id=new_id(Prefix.EVENT), type=event_type, created_at=now, store_id=store_id, data=data
    )
    await repository.insert(event, payment_link_id)
    return event


async def get_event(store_id: str, event_id: str) -> Event:
    event = await repository.get(store_id, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


async def list_events(
    store_id: str,
    limit: int,
    starting_after: str | None,
    event_type: EventType | None = None,
    payment_link_id: str | None = None,
) -> Page[Event]:
    rows = await repository.list_events(
        store_id, limit, starting_after, event_type, payment_link_id
    )
    return page_of(rows, limit)
