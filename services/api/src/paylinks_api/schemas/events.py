"""The events as the API documents them: per type, the envelope with that type's data
Struct (``DATA``). They type the events endpoints' answers and the OpenAPI ``webhooks``
section; what is sent is still the stored JSON, as it is."""

import operator
import re
from functools import reduce
from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    PathItem,
    Reference,
    RequestBody,
)

from paylinks.events.model import DATA, Event, EventType
from paylinks.pagination import Page
from paylinks.webhooks.model import TIMEOUT_SECONDS
from paylinks_api.openapi import camel_case


def _retyped(
    struct: type[msgspec.Struct], name: str, types: dict[str, Any], **options: Any
) -> type[msgspec.Struct]:
    """``struct``'s fields under another name, some with another type (all but a tag
    field given in ``options``)."""
    fields = [
        (field.name, types.get(field.name, field.type))
        for field in msgspec.structs.fields(struct)
        if field.name != options.get("tag_field")
    ]
    return msgspec.defstruct(name, fields, kw_only=True, module=__name__, **options)


def _envelope(event_type: EventType) -> type[msgspec.Struct]:
    """``Event`` with this type's data, tagged by ``type``: of all of them, exactly one
    matches an event."""
    name = "".join(word.capitalize() for word in re.split(r"[._]", event_type.value))
    return _retyped(
        Event, f"{name}Event", {"data": DATA[event_type]}, tag_field="type", tag=event_type.value
    )


ENVELOPES = {event_type: _envelope(event_type) for event_type in DATA}
#: Any event, as a type for Litestar to document (a union built from ``ENVELOPES``).
AnyEvent: Any = reduce(operator.or_, ENVELOPES.values())
EventPage = _retyped(Page, "EventPage", {"data": list[AnyEvent]})

#: The documented answers of the events endpoints: each event typed by its ``type``.
ONE_EVENT = {
    200: ResponseSpec(data_container=AnyEvent, description="The event", generate_examples=False)
}
EVENT_PAGE = {
    200: ResponseSpec(data_container=EventPage, description="Events", generate_examples=False)
}


def _webhook(event_type: EventType) -> PathItem:
    schema = Reference(ref=f"#/components/schemas/{ENVELOPES[event_type].__name__}")
    return PathItem(
        post=Operation(
            operation_id=camel_case(event_type.value) + "Webhook",
            summary=event_type.value,
            description="Signed per Standard Webhooks: `webhook-id` (the event's id), "
            "`webhook-timestamp` and `webhook-signature`.",
            request_body=RequestBody(
                content={"application/json": OpenAPIMediaType(schema=schema)}, required=True
            ),
            responses={
                "2XX": OpenAPIResponse(
                    description="Received. Any other answer, or none within "
                    f"{TIMEOUT_SECONDS:.0f} s, is retried."
                )
            },
        )
    )


#: The OpenAPI ``webhooks`` section: one entry per event type. Its schemas are those of
#: the events endpoints' answers, so the components they refer to are always there.
WEBHOOKS: dict[str, PathItem | Reference] = {
    event_type.value: _webhook(event_type) for event_type in ENVELOPES
}
