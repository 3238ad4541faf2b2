"""Sending a link by email or SMS, and the link's sends."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody

from paylinks.messages import service as messages
from paylinks.pagination import Page
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, ERRORS
from paylinks_api.schemas.messages import MessageOut, SendLink

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]


class MessageController(Controller):
    path = "/v1/payment-links/{link_id:str}"
    tags = ["Sharing"]
    security = BEARER

    @post("/send", status_code=202, responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def send(
        self, principal: Caller, link_id: LinkId, data: JSONBody[SendLink], ctx: Ctx
    ) -> MessageOut:
        """Send the link to exactly one of ``email`` or ``phone``; a worker delivers it."""
        message = await messages.queue_send(principal, link_id, data.email, data.phone, ctx.clock())
        return MessageOut.of(message)

    @get("/messages", responses=ERRORS)
    async def list_messages(
        self,
        principal: Caller,
        link_id: LinkId,
        window: ListWindow,
    ) -> Page[MessageOut]:
        """The link's sends, newest first; outbox ones are marked not delivered."""
        page = await messages.list_messages(principal, link_id, window)
        return Page(data=[MessageOut.of(m) for m in page.data], has_more=page.has_more)
