from datetime import datetime
from typing import Annotated

import msgspec

from paylinks.events.model import EventType
from paylinks.webhooks.model import URL_MAX, Attempt, Delivery, EndpointStatus, WebhookEndpoint
from paylinks_api.schemas import ID_PATTERN, documented


class EndpointCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[
        str,
        documented(
            "An https URL on the public internet",
            format="uri",
            pattern="^https://",
            maxLength=URL_MAX,
        ),
    ]
    events: Annotated[
        list[EventType] | None, documented("The event types to send; all by default", minItems=1)
    ] = None


class EndpointOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    url: str
    events: list[EventType] | None
    status: EndpointStatus
    created_at: datetime
    # Only in the answers that create or rotate it.
    secret: str | None = None

    @classmethod
    def of(cls, endpoint: WebhookEndpoint, secret: str | None = None) -> "EndpointOut":
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            events=endpoint.events,
            status=endpoint.status,
            created_at=endpoint.created_at,
            secret=secret,
        )


class Redeliver(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    endpoint_id: Annotated[str, documented("An endpoint of the store (we_…)", pattern=ID_PATTERN)]


class DeliveryOut(msgspec.Struct, kw_only=True):
    id: str
    event_id: str
    endpoint_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None
    attempt_log: list[Attempt]

    @classmethod
    def of(cls, delivery: Delivery, attempts: list[Attempt]) -> "DeliveryOut":
        return cls(
            id=delivery.id,
            event_id=delivery.event_id,
            endpoint_id=delivery.endpoint_id,
            status=delivery.status.value,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            last_attempt_at=delivery.last_attempt_at,
            attempt_log=attempts,
        )
