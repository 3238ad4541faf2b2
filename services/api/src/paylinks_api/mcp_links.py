"""The MCP tools of payment links: the REST API's use cases, arguments and views.

Each tool's arguments are a Struct below (or the REST request body itself), its result the
REST view of a link (``LinkView``), a page of them, or a QR code.
"""

import base64
from typing import Annotated

import msgspec
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ImageContent, TextContent, ToolAnnotations

from paylinks import qr
from paylinks.links import service as links
from paylinks.links.model import LinkStatus, LinkType, LinkView, PaymentLink, to_view
from paylinks.links.repository import LinkFilter
from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, Window
from paylinks.stores.model import Principal
from paylinks_api.context import ApiContext
from paylinks_api.mcp_schema import schema_tool, structured
from paylinks_api.schemas.links import LinkCreate, LinkUpdate

LinkId = Annotated[str, msgspec.Meta(max_length=64, description="A payment link id (plink_…)")]

READING = ToolAnnotations(read_only_hint=True, open_world_hint=False)
CREATING = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
#: An edit overwrites (or clears) what was there; the same edit twice changes nothing more.
CHANGING = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False
)
REOPENING = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


class LinkArguments(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    link_id: LinkId


class QrArguments(LinkArguments, kw_only=True, forbid_unknown_fields=True):
    size: Annotated[
        int,
        msgspec.Meta(
            ge=qr.MIN_SIZE, le=qr.MAX_SIZE, description="Width of the PNG in pixels, at most"
        ),
    ] = qr.DEFAULT_SIZE


class ListArguments(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    venue_id: (
        Annotated[str, msgspec.Meta(max_length=64, description="Only the links of this venue")]
        | None
    ) = None
    status: Annotated[
        LinkStatus | None, msgspec.Meta(description="Only links of this status, now")
    ] = None
    type: Annotated[LinkType | None, msgspec.Meta(description="Only links of this type")] = None
    q: (
        Annotated[str, msgspec.Meta(max_length=120, description="Search title and reference")]
        | None
    ) = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT
    starting_after: (
        Annotated[
            str,
            msgspec.Meta(max_length=64, description="The id of the last link of the previous page"),
        ]
        | None
    ) = None
    ending_before: (
        Annotated[
            str,
            msgspec.Meta(max_length=64, description="The id of the first link of the next page"),
        ]
        | None
    ) = None


class UpdateArguments(LinkUpdate, kw_only=True, forbid_unknown_fields=True):
    """The REST API's edit body, and the link it edits."""

    link_id: LinkId


class LinkQr(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    url: Annotated[str, msgspec.Meta(description="The checkout url the QR code holds")]


def link_tools(api: ApiContext) -> list[Tool]:
    """Every tool of payment links, for the store of each call's API key."""

    def view(link: PaymentLink) -> CallToolResult:
        return structured(to_view(link, api.urls, api.clock()))

    async def list_payment_links(principal: Principal, args: ListArguments) -> CallToolResult:
        """The store's payment links, newest first, as {"data": [links], "has_more": bool};
        filter by venue_id, status (active, inactive, expired: exact now) and type; to page
        on, pass the id of the last link as starting_after (back: the first one as
        ending_before)."""
        now = api.clock()
        filters = LinkFilter(status=args.status, type=args.type, venue_id=args.venue_id, q=args.q)
        window = Window(args.limit, args.starting_after, args.ending_before)
        page = await links.list_links(principal, filters, now, window)
        views = [to_view(link, api.urls, now) for link in page.data]
        return structured(Page(data=views, has_more=page.has_more))

    async def get_payment_link(principal: Principal, args: LinkArguments) -> CallToolResult:
        """One payment link of the store, with its status, totals and checkout url."""
        return view(await links.get_link(principal, args.link_id))

    async def create_payment_link(principal: Principal, args: LinkCreate) -> CallToolResult:
        """Create a payment link and answer it, with its checkout url to share.

        A fixed link needs amount; a variable link may have min_amount and max_amount.
        Amounts are integer minor units of the store currency."""
        now = api.clock()
        return view(await links.create_link(principal, args.to_draft(), api.urls, now))

    async def update_payment_link(principal: Principal, args: UpdateArguments) -> CallToolResult:
        """Edit a payment link: the fields given change, the others stay; null clears a
        field. Each field follows the rules of a new link. Amount fields change only while
        the link has taken no payment (error link_has_payments); max_payments is never
        below the payments taken plus those under way; type and currency never change."""
        changes = args.changes()
        del changes["link_id"]
        now = api.clock()
        return view(await links.edit_link(principal, args.link_id, changes, api.urls, now))

    async def deactivate_payment_link(principal: Principal, args: LinkArguments) -> CallToolResult:
        """Deactivate a payment link: its checkout says it is no longer active. Undo with
        activate-payment-link."""
        now = api.clock()
        return view(await links.deactivate_link(principal, args.link_id, api.urls, now))

    async def activate_payment_link(principal: Principal, args: LinkArguments) -> CallToolResult:
        """Reactivate a deactivated payment link. A paid one-off link stays inactive (error
        link_completed), and so does a link at its max_payments (link_max_payments_reached:
        raise max_payments first)."""
        now = api.clock()
        return view(await links.reactivate_link(principal, args.link_id, api.urls, now))

    async def get_payment_link_qr(principal: Principal, args: QrArguments) -> CallToolResult:
        """A PNG QR code of the link's checkout url, and the url itself."""
        link = await links.get_link(principal, args.link_id)
        url = api.urls.link_url(link.id)
        png = base64.b64encode(qr.png(url, args.size)).decode()
        return CallToolResult(
            content=[
                ImageContent(type="image", data=png, mime_type="image/png"),
                TextContent(type="text", text=url),
            ],
            structured_content=msgspec.to_builtins(LinkQr(id=link.id, url=url)),
        )

    return [
        schema_tool(
            list_payment_links,
            name="list-payment-links",
            title="List payment links",
            arguments=ListArguments,
            output=Page[LinkView],
            annotations=READING,
        ),
        schema_tool(
            get_payment_link,
            name="get-payment-link",
            title="Get a payment link",
            arguments=LinkArguments,
            output=LinkView,
            annotations=READING,
        ),
        schema_tool(
            create_payment_link,
            name="create-payment-link",
            title="Create a payment link",
            arguments=LinkCreate,
            output=LinkView,
            annotations=CREATING,
        ),
        schema_tool(
            update_payment_link,
            name="update-payment-link",
            title="Edit a payment link",
            arguments=UpdateArguments,
            output=LinkView,
            annotations=CHANGING,
            null_clears=True,
        ),
        schema_tool(
            deactivate_payment_link,
            name="deactivate-payment-link",
            title="Deactivate a payment link",
            arguments=LinkArguments,
            output=LinkView,
            annotations=CHANGING,
        ),
        schema_tool(
            activate_payment_link,
            name="activate-payment-link",
            title="Reactivate a payment link",
            arguments=LinkArguments,
            output=LinkView,
            annotations=REOPENING,
        ),
        schema_tool(
            get_payment_link_qr,
            name="get-payment-link-qr",
            title="QR code of a payment link",
            arguments=QrArguments,
            output=LinkQr,
            annotations=READING,
        ),
    ]
