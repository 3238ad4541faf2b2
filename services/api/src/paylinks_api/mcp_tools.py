"""The MCP tools of payment links, served by the API at ``/mcp`` (streamable HTTP).

Each tool call authenticates with the bearer token of its own HTTP request (the store's API
key, as on the REST API) and runs the same use cases as the REST controllers. Every
anticipated failure becomes a ``ToolError``, the only kind whose message reaches the client.

The server is stateless (no MCP session lives in one process), so that any API process
behind a load balancer can answer any request.
"""

import base64
import contextlib
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
import msgspec.inspect
from litestar import Litestar, asgi
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from pydantic import Field, StrictInt

from paylinks import qr
from paylinks.errors import DomainError, FieldError, Unauthorized, ValidationFailed
from paylinks.links import service as links
from paylinks.links.model import LinkStatus, LinkType, to_view
from paylinks.links.repository import LinkFilter
from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT, Window
from paylinks.stores import service as stores
from paylinks.stores.model import Principal
from paylinks_api.context import ApiContext
from paylinks_api.problems import field_of
from paylinks_api.schemas.links import LinkCreate

PATH = "/mcp"

INSTRUCTIONS = (
    "Payment links of one Paylinks store. Authenticate every request with the store's API "
    "key as 'Authorization: Bearer sk_…'. Amounts are integer minor units of the store "
    "currency (1450 is 14.50 GBP); times are RFC 3339."
)

LinkId = Annotated[str, Field(max_length=64, description="A payment link id (plink_…)")]
# Integers are strict, as on the REST API: pydantic would otherwise take true as 1, 14.0 as
# 14 and "14" as 14.
Page = Annotated[StrictInt, Field(ge=1, le=MAX_LIMIT, description="Page size")]
QrSize = Annotated[
    StrictInt, Field(ge=qr.MIN_SIZE, le=qr.MAX_SIZE, description="Width of the PNG, at most")
]
READING = ToolAnnotations(read_only_hint=True, open_world_hint=False)
CREATING = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)


class StrictServer(MCPServer[Any]):
    """Refuses a call with an argument its tool does not have, as the REST API refuses an
    unknown field (the SDK would drop it silently: a misspelt ``max_paymnets`` would make
    a link without its cap)."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        tool = self._tool_manager.get_tool(name)
        if tool is not None:
            known = set(tool.parameters.get("properties", {}))
            unknown = sorted(set(arguments or {}) - known)
            with tool_errors():
                if unknown:
                    raise ValidationFailed(
                        [FieldError(field, "Unknown argument.") for field in unknown]
                    )
        return await super().call_tool(name, arguments, context)


class McpTools:
    """The MCP server of one API app: its mounted route and its lifespan."""

    def __init__(self, api: ApiContext) -> None:
        self.api = api
        # The SDK logs every request and every refused call at INFO: client errors, like the
        # REST API's 4xx, which it does not log either.
        logging.getLogger("mcp").setLevel(logging.WARNING)
        self.server: MCPServer[Any] = StrictServer(
            "paylinks",
            instructions=INSTRUCTIONS,
            log_level="WARNING",
            tools=[
                list_links_tool(api),
                get_link_tool(api),
                create_link_tool(api),
                link_qr_tool(api),
            ],
        )
        app = self.server.streamable_http_app(
            streamable_http_path="/",
            stateless_http=True,
            json_response=True,
            transport_security=transport_security(api.settings.api_url),
        )

        @asgi(PATH, is_mount=True, copy_scope=True)
        async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            await app(scope, receive, send)  # type: ignore[arg-type]

        self.route: ASGIRouteHandler = mcp_endpoint

    def lifespan(self, _: Litestar) -> AbstractAsyncContextManager[None]:
        """The session manager's task group: Litestar does not run a mounted app's lifespan."""
        return self.server.session_manager.run()


def list_links_tool(api: ApiContext) -> Tool:
    async def list_payment_links(
        ctx: Context[Any, Any],
        venue_id: Annotated[
            str | None, Field(max_length=64, description="Only the links of this venue")
        ] = None,
        status: Annotated[
            LinkStatus | None, Field(description="Only links of this status, now")
        ] = None,
        type: Annotated[LinkType | None, Field(description="Only links of this type")] = None,
        q: Annotated[
            str | None, Field(max_length=120, description="Search title and reference")
        ] = None,
        limit: Page = DEFAULT_LIMIT,
        starting_after: Annotated[
            str | None,
            Field(max_length=64, description="The id of the last link of the previous page"),
        ] = None,
    ) -> CallToolResult:
        """The store's payment links, newest first, as {"data": [links], "has_more": bool};
        to page on, pass the id of the last link as starting_after."""
        with tool_errors():
            principal = await authenticate(ctx, api)
            now = api.clock()
            filters = LinkFilter(status=status, type=type, venue_id=venue_id, q=q)
            page = await links.list_links(principal, filters, now, Window(limit, starting_after))
        views = [to_view(link, api.urls, now) for link in page.data]
        return structured({"data": views, "has_more": page.has_more})

    return Tool.from_function(list_payment_links, name="list-payment-links", annotations=READING)


def get_link_tool(api: ApiContext) -> Tool:
    async def get_payment_link(ctx: Context[Any, Any], link_id: LinkId) -> CallToolResult:
        """One payment link of the store, with its status, totals and checkout url."""
        with tool_errors():
            principal = await authenticate(ctx, api)
            link = await links.get_link(principal, link_id)
        return structured(to_view(link, api.urls, api.clock()))

    return Tool.from_function(get_payment_link, name="get-payment-link", annotations=READING)


def create_link_tool(api: ApiContext) -> Tool:
    """Its arguments are the REST API's request body, ``LinkCreate``: its JSON schema is
    the tool's input schema, and msgspec checks a call as it checks a request."""

    async def create_payment_link(
        ctx: Context[Any, Any], arguments: dict[str, Any]
    ) -> CallToolResult:
        """Create a payment link and answer it, with its checkout url to share.

        A fixed link needs amount; a variable link may have min_amount and
        max_amount. Amounts are integer minor units of the store currency."""
        with tool_errors():
            principal = await authenticate(ctx, api)
            draft = link_create(arguments).to_draft()
            now = api.clock()
            link = await links.create_link(principal, draft, api.urls, now)
        return structured(to_view(link, api.urls, now))

    return Tool(
        fn=create_payment_link,
        name="create-payment-link",
        title=None,
        description=create_payment_link.__doc__ or "",
        parameters=input_schema(LinkCreate),
        fn_metadata=SchemaArguments.of(LinkCreate),
        is_async=True,
        context_kwarg="ctx",
        annotations=CREATING,
    )


def link_qr_tool(api: ApiContext) -> Tool:
    async def get_payment_link_qr(
        ctx: Context[Any, Any], link_id: LinkId, size: QrSize = qr.DEFAULT_SIZE
    ) -> CallToolResult:
        """A PNG QR code of the link's checkout url, and the url itself."""
        with tool_errors():
            principal = await authenticate(ctx, api)
            link = await links.get_link(principal, link_id)
        url = api.urls.link_url(link.id)
        png = base64.b64encode(qr.png(url, size)).decode()
        return CallToolResult(
            content=[
                ImageContent(type="image", data=png, mime_type="image/png"),
                TextContent(type="text", text=url),
            ],
            structured_content={"id": link.id, "url": url},
        )

    return Tool.from_function(get_payment_link_qr, name="get-payment-link-qr", annotations=READING)


def transport_security(api_url: str) -> TransportSecuritySettings:
    """DNS-rebinding protection that knows the hosts the API is served on: loopback on any
    port, and the host of ``PAYLINKS_API_URL``."""
    hosts = ["127.0.0.1", "localhost", "[::1]"]
    origins = [f"http://{host}" for host in hosts]
    public = urlsplit(api_url)
    if public.hostname:
        name = f"[{public.hostname}]" if ":" in public.hostname else public.hostname
        hosts.append(name)
        origins.append(f"{public.scheme}://{name}")
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[*hosts, *(f"{host}:*" for host in hosts)],
        allowed_origins=[*origins, *(f"{origin}:*" for origin in origins)],
    )


def bearer_token(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(ctx: Context[Any, Any], api: ApiContext) -> Principal:
    """The store behind the ``Authorization`` header of this tool call's HTTP request."""
    request = ctx.request_context.request
    token = bearer_token(request.headers) if request is not None else None
    if token is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer sk_…'.")
    return await stores.authenticate(token, api.clock())


def link_create(arguments: dict[str, Any]) -> LinkCreate:
    """The REST API's request schema, so that a link has the same rules on both edges."""
    given = {name: value for name, value in arguments.items() if value is not None}
    try:
        return msgspec.convert(given, LinkCreate)
    except msgspec.ValidationError as error:
        message = str(error)
        raise ValidationFailed(
            [FieldError(field_of(message), message.split(" - at `")[0])]
        ) from None


def input_schema(schema: type[msgspec.Struct]) -> dict[str, Any]:
    """The JSON schema of a msgspec Struct with the Struct itself at its root, as a tool's
    input schema must be (msgspec puts it in ``$defs`` and refers to it)."""
    built = msgspec.json.schema(schema)
    definitions = dict(built["$defs"])
    root = definitions.pop(built["$ref"].rsplit("/", 1)[-1])
    return {**root, "$defs": definitions} if definitions else dict(root)


class SchemaArguments(FuncMetadata):
    """The arguments of a tool checked by msgspec against a schema of the REST API rather
    than by pydantic: handed over as sent, in one ``arguments`` dict. As the SDK does for
    its own tools, an object argument sent as JSON text (some clients do) is decoded."""

    arg_model: type[ArgModelBase] = ArgModelBase
    objects: frozenset[str] = frozenset()

    @classmethod
    def of(cls, schema: type[msgspec.Struct]) -> "SchemaArguments":
        info = msgspec.inspect.type_info(schema)
        assert isinstance(info, msgspec.inspect.StructType)
        return cls(objects=frozenset(f.encode_name for f in info.fields if _takes_object(f.type)))

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        arguments = dict(arguments_to_validate)
        for name in self.objects & arguments.keys():
            if isinstance(arguments[name], str):
                with contextlib.suppress(ValueError, RecursionError):
                    decoded = json.loads(arguments[name])
                    if isinstance(decoded, dict):
                        arguments[name] = decoded
        return {"arguments": arguments}


def _takes_object(kind: msgspec.inspect.Type) -> bool:
    if isinstance(kind, msgspec.inspect.Metadata):
        return _takes_object(kind.type)
    if isinstance(kind, msgspec.inspect.UnionType):
        return any(_takes_object(member) for member in kind.types)
    return isinstance(kind, msgspec.inspect.StructType | msgspec.inspect.DictType)


@contextmanager
def tool_errors() -> Iterator[None]:
    """Domain errors as ``ToolError``: the code, the message and the fields at fault."""
    try:
        yield
    except ValidationFailed as error:
        lines = [f"{error.code}: {error.message}"]
        lines += [f"- {item.field}: {item.message}" for item in error.errors]
        raise ToolError("\n".join(lines)) from None
    except DomainError as error:
        raise ToolError(f"{error.code}: {error.message}") from None


def structured(value: Any) -> CallToolResult:
    """A result both as JSON text (for models) and as structured content (for programs)."""
    data = msgspec.to_builtins(value)
    text = msgspec.json.encode(data).decode()
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)
