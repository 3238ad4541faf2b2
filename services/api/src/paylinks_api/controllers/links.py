"""Payment links: create, list, get, deactivate, and their QR codes."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from paylinks import qr
from paylinks.links import service as links
from paylinks.links.model import LinkStatus, LinkType, LinkView, to_view
from paylinks.links.repository import LinkFilter
from paylinks.pagination import Page
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, ERRORS
from paylinks_api.schemas.links import LinkCreate

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]
QrSize = Annotated[
    int,
    QueryParameter(
        ge=qr.MIN_SIZE, le=qr.MAX_SIZE, description="Width of the PNG in pixels, at most"
    ),
]
CACHE_CONTROL = "private, max-age=86400"


class PaymentLinkController(Controller):
    path = "/v1/payment-links"
    tags = ["Payment links"]
    security = BEARER

    @post("/", responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def create(self, principal: Caller, data: JSONBody[LinkCreate], ctx: Ctx) -> LinkView:
        now = ctx.clock()
        link = await links.create_link(principal, data.to_draft(), ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @get("/", responses=ERRORS)
    async def list_links(
        self,
        principal: Caller,
        ctx: Ctx,
        window: ListWindow,
        status: FromQuery[LinkStatus | None] = None,
        link_type: Annotated[LinkType | None, QueryParameter(name="type")] = None,
        venue_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=120, description="Search title and reference")
        ] = None,
    ) -> Page[LinkView]:
        """Newest first. ``status`` is exact at request time, ``expired`` included."""
        now = ctx.clock()
        filters = LinkFilter(status=status, type=link_type, venue_id=venue_id, q=q)
        page = await links.list_links(principal, filters, now, window)
        return Page(
            data=[to_view(link, ctx.urls, now) for link in page.data], has_more=page.has_more
        )

    @get("/{link_id:str}", responses=ERRORS)
    async def get_link(self, principal: Caller, link_id: LinkId, ctx: Ctx) -> LinkView:
        return to_view(await links.get_link(principal, link_id), ctx.urls, ctx.clock())

    @post("/{link_id:str}/deactivate", status_code=200, responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def deactivate(self, principal: Caller, link_id: LinkId, ctx: Ctx) -> LinkView:
        """Deactivate the link: its checkout says it is no longer active."""
        now = ctx.clock()
        link = await links.deactivate_link(principal, link_id, ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @get("/{link_id:str}/qr.png", media_type="image/png", responses=ERRORS)
    async def qr_png(
        self,
        request: Request[Any, Any, Any],
        principal: Caller,
        link_id: LinkId,
        ctx: Ctx,
        size: QrSize = qr.DEFAULT_SIZE,
    ) -> Response[bytes]:
        """A QR code of exactly the link's ``url``."""
        url = ctx.urls.link_url((await links.get_link(principal, link_id)).id)
        return _cached(request, qr.etag(url, "png", size), lambda: qr.png(url, size), "image/png")

    @get("/{link_id:str}/qr.svg", media_type="image/svg+xml", responses=ERRORS)
    async def qr_svg(
        self, request: Request[Any, Any, Any], principal: Caller, link_id: LinkId, ctx: Ctx
    ) -> Response[bytes]:
        url = ctx.urls.link_url((await links.get_link(principal, link_id)).id)
        return _cached(request, qr.etag(url, "svg", 0), lambda: qr.svg(url), "image/svg+xml")


def _cached(
    request: Request[Any, Any, Any], etag: str, render: Any, media_type: str
) -> Response[bytes]:
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    # Weak and strong tags both match for a GET (RFC 9110 §13.1.2), and so does "*".
    wanted = {
        tag.strip().removeprefix("W/")
        for tag in request.headers.get("if-none-match", "").split(",")
    }
    if etag in wanted or "*" in wanted:
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(render(), headers=headers, media_type=media_type)
