"""Webhook endpoints, events and their deliveries."""

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from paylinks.events import service as events
from paylinks.events.model import Event, EventType
from paylinks.pagination import Page
from paylinks.webhooks import service as webhooks
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, ERRORS
from paylinks_api.schemas.events import EVENT_PAGE, ONE_EVENT
from paylinks_api.schemas.webhooks import DeliveryOut, EndpointCreate, EndpointOut, Redeliver

EndpointId = Annotated[str, object_id("A webhook endpoint id (we_…)")]
EventId = Annotated[str, object_id("An event id (evt_…)")]


class WebhookEndpointController(Controller):
    path = "/v1/webhook-endpoints"
    tags = ["Webhooks"]
    security = BEARER

    @post("/", responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def create(
        self, principal: Caller, data: JSONBody[EndpointCreate], ctx: Ctx
    ) -> EndpointOut:
        """A new endpoint; its signing secret ``whsec_…`` is in this answer only."""
        endpoint, secret = await webhooks.create_endpoint(
            principal,
            data.url,
            data.events,
            ctx.cipher,
            ctx.settings.webhooks_allow_private,
            ctx.clock(),
        )
        return EndpointOut.of(endpoint, secret)

    @get("/", responses=ERRORS)
    async def list_endpoints(self, principal: Caller, window: ListWindow) -> Page[EndpointOut]:
        """The store's endpoints, newest first."""
        page = await webhooks.list_endpoints(principal, window)
        return Page(data=[EndpointOut.of(e) for e in page.data], has_more=page.has_more)

    @get("/{endpoint_id:str}", responses=ERRORS)
    async def get_endpoint(self, principal: Caller, endpoint_id: EndpointId) -> EndpointOut:
        return EndpointOut.of(await webhooks.get_endpoint(principal, endpoint_id))

    @delete("/{endpoint_id:str}", responses=ERRORS)
    async def delete_endpoint(self, principal: Caller, endpoint_id: EndpointId, ctx: Ctx) -> None:
        await webhooks.delete_endpoint(principal, endpoint_id, ctx.clock())

    @post(
        "/{endpoint_id:str}/rotate-secret",
        status_code=200,
        responses=ERRORS,
        opt=IN_ONE_TRANSACTION,
    )
    async def rotate(self, principal: Caller, endpoint_id: EndpointId, ctx: Ctx) -> EndpointOut:
        """A new secret; for 24 h deliveries carry signatures with the old and the new."""
        endpoint, secret = await webhooks.rotate_secret(
            principal, endpoint_id, ctx.cipher, ctx.clock()
        )
        return EndpointOut.of(endpoint, secret)

    @post("/{endpoint_id:str}/enable", status_code=200, responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def enable(self, principal: Caller, endpoint_id: EndpointId) -> EndpointOut:
        return EndpointOut.of(await webhooks.set_enabled(principal, endpoint_id, True))

    @post("/{endpoint_id:str}/disable", status_code=200, responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def disable(self, principal: Caller, endpoint_id: EndpointId) -> EndpointOut:
        return EndpointOut.of(await webhooks.set_enabled(principal, endpoint_id, False))


class EventController(Controller):
    path = "/v1/events"
    tags = ["Webhooks"]
    security = BEARER

    @get("/", responses={**ERRORS, **EVENT_PAGE})
    async def list_events(
        self,
        principal: Caller,
        window: ListWindow,
        event_type: Annotated[EventType | None, QueryParameter(name="type")] = None,
        payment_link_id: FromQuery[str | None] = None,
    ) -> Page[Event]:
        """The store's events, newest first; each one's data is its type's schema."""
        return await events.list_events(principal.store_id, window, event_type, payment_link_id)

    @get("/{event_id:str}", responses={**ERRORS, **ONE_EVENT})
    async def get_event(self, principal: Caller, event_id: EventId) -> Event:
        """The event as its webhooks carry it: the stored JSON, typed by ``type``."""
        return await events.get_event(principal.store_id, event_id)

    @get("/{event_id:str}/deliveries", responses=ERRORS)
    async def deliveries(
        self,
        principal: Caller,
        event_id: EventId,
        window: ListWindow,
    ) -> Page[DeliveryOut]:
        """Each endpoint's delivery of the event, newest first, with every attempt."""
        page = await webhooks.list_deliveries(principal, event_id, window)
        return Page(
            data=[DeliveryOut.of(delivery, attempts) for delivery, attempts in page.data],
            has_more=page.has_more,
        )

    @post("/{event_id:str}/redeliver", status_code=202, responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def redeliver(
        self, principal: Caller, event_id: EventId, data: JSONBody[Redeliver], ctx: Ctx
    ) -> DeliveryOut:
        """Send the event to the endpoint again, now."""
        delivery = await webhooks.redeliver(principal, event_id, data.endpoint_id, ctx.clock())
        return DeliveryOut.of(delivery, [])
