"""Payment links: create, list, get, edit, deactivate, reactivate, and their QR codes."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from paylinks import qr
from paylinks.links import service as links
from paylinks.links.model import LinkStatus, LinkType, LinkView, to_view
from paylinks.links.repository import LinkFilter
from paylinks.pagination import Page
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, CONFLICT, created
from paylinks_api.schemas.links import LinkCreate, LinkUpdate

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

    @post("/", responses=CONFLICT, opt=IN_ONE_TRANSACTION, **created("/v1/payment-links/{id}"))
    async def create_payment_link(
        self, principal: Caller, data: JSONBody[LinkCreate], ctx: Ctx
    ) -> LinkView:
        """Create a payment link: one-off or reusable, a fixed amount or one the customer enters."""
        now = ctx.clock()
        link = await links.create_link(principal, data.to_draft(), ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @get("/", responses=CONFLICT)
    async def list_payment_links(
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
        """The store's payment links, newest first.

        ``status`` is exact at request time, ``expired`` included; ``q`` searches titles and
        references."""
        now = ctx.clock()
        filters = LinkFilter(status=status, type=link_type, venue_id=venue_id, q=q)
        page = await links.list_links(principal, filters, now, window)
        return Page(
            data=[to_view(link, ctx.urls, now) for link in page.data], has_more=page.has_more
        )

    @get("/{link_id:str}", responses=CONFLICT)
    async def get_payment_link(self, principal: Caller, link_id: LinkId, ctx: Ctx) -> LinkView:
        """One payment link, with its status at request time and its totals."""
        return to_view(await links.get_link(principal, link_id), ctx.urls, ctx.clock())

    @patch(
        "/{link_id:str}",
        responses=CONFLICT,
        opt=IN_ONE_TRANSACTION,
        summary="Edit a payment link",
        description="Change the fields sent and keep the others: `null` clears a field "
        "(`customer_fields`, `after_payment` and `metadata` go back to their defaults). "
        "Every field follows the rules of a new link (422 naming the field). The amount "
        "fields (`amount_type`, `amount`, `min_amount`, `max_amount`) change only while the "
        "link has taken no payment and has none under way (409 `link_has_payments`); "
        "`max_payments` is never below the payments taken plus those under way (422 naming "
        "`max_payments`); a cap that equals the payments taken closes the link "
        "(`max_payments_reached`). `type` and `currency` never change (422 naming them). "
        "Fires `payment_link.updated` when a field changed.",
    )
    async def update_payment_link(
        self, principal: Caller, link_id: LinkId, data: JSONBody[LinkUpdate], ctx: Ctx
    ) -> LinkView:
        now = ctx.clock()
        link = await links.edit_link(principal, link_id, data.changes(), ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @post(
        "/{link_id:str}/activate",
        status_code=200,
        responses=CONFLICT,
        opt=IN_ONE_TRANSACTION,
        summary="Reactivate a payment link",
        description="Undo a deactivation: the link takes payments again (unless it has "
        "expired: change `expires_at` to reopen it). A paid one-off link stays inactive "
        "(409 `link_completed`), and so does a link whose payments reached `max_payments` "
        "(409 `link_max_payments_reached`: raise `max_payments` first). Fires "
        "`payment_link.updated`; reactivating an active link changes nothing.",
    )
    async def activate_payment_link(self, principal: Caller, link_id: LinkId, ctx: Ctx) -> LinkView:
        now = ctx.clock()
        link = await links.reactivate_link(principal, link_id, ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @post("/{link_id:str}/deactivate", status_code=200, responses=CONFLICT, opt=IN_ONE_TRANSACTION)
    async def deactivate_payment_link(
        self, principal: Caller, link_id: LinkId, ctx: Ctx
    ) -> LinkView:
        """Deactivate the link: its checkout says it is no longer active."""
        now = ctx.clock()
        link = await links.deactivate_link(principal, link_id, ctx.urls, now)
        return to_view(link, ctx.urls, now)

    @get("/{link_id:str}/qr.png", media_type="image/png", responses=CONFLICT)
    async def get_payment_link_qr_png(
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

    @get("/{link_id:str}/qr.svg", media_type="image/svg+xml", responses=CONFLICT)
    async def get_payment_link_qr_svg(
        self, request: Request[Any, Any, Any], principal: Caller, link_id: LinkId, ctx: Ctx
    ) -> Response[bytes]:
        """A QR code of exactly the link's ``url``, as SVG."""
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
