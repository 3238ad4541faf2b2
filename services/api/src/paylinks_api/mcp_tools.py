"""The MCP server of the API, at ``/mcp`` (streamable HTTP): its door and its tools.

Every request is authenticated at the door with the bearer token of its HTTP request (the
store's API key, as on the REST API): without a valid one it is refused with the REST
API's 401 (``WWW-Authenticate: Bearer``, a problem body) before the MCP server sees it, so
that a client learns it must authenticate from ``initialize`` on. The tools
(``mcp_links``) run for the caller found there.

The server is stateless (no MCP session lives in one process), so that any API process
behind a load balancer can answer any request.
"""

import logging
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import urlsplit

from litestar import Litestar, asgi
from litestar.datastructures import Headers
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from paylinks.errors import Unauthorized
from paylinks.stores import service as stores
from paylinks.stores.model import Principal
from paylinks_api.context import ApiContext
from paylinks_api.mcp_links import link_tools
from paylinks_api.mcp_schema import PRINCIPAL

PATH = "/mcp"

INSTRUCTIONS = (
    "Payment links of one Paylinks store. Authenticate every request with the store's API "
    "key as 'Authorization: Bearer sk_…'. Amounts are integer minor units of the store "
    "currency (1450 is 14.50 GBP); times are RFC 3339. A failed call answers the REST API's "
    "problem as JSON: code, detail and errors [{field, message}]."
)


class McpTools:
    """The MCP server of one API app: its mounted route and its lifespan."""

    def __init__(self, api: ApiContext) -> None:
        self.api = api
        # The SDK logs every request and every refused call at INFO: client errors, like the
        # REST API's 4xx, which it does not log either.
        logging.getLogger("mcp").setLevel(logging.WARNING)
        self.server: MCPServer[Any] = MCPServer(
            "paylinks", instructions=INSTRUCTIONS, log_level="WARNING", tools=link_tools(api)
        )
        app = self.server.streamable_http_app(
            streamable_http_path="/",
            stateless_http=True,
            json_response=True,
            transport_security=transport_security(api.settings.api_url),
        )

        @asgi(PATH, is_mount=True, copy_scope=True)
        async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            # Refused here, the error is the REST API's own 401 problem.
            principal = await authenticate(Headers.from_scope(scope), api)
            state: dict[str, Any] = scope.setdefault("state", {})
            state[PRINCIPAL] = principal
            await app(scope, receive, send)  # type: ignore[arg-type]

        self.route: ASGIRouteHandler = mcp_endpoint

    def lifespan(self, _: Litestar) -> AbstractAsyncContextManager[None]:
        """The session manager's task group: Litestar does not run a mounted app's lifespan."""
        return self.server.session_manager.run()


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


async def authenticate(headers: Mapping[str, str], api: ApiContext) -> Principal:
    """The store behind a request's ``Authorization`` header."""
    token = bearer_token(headers)
    if token is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer sk_…'.")
    return await stores.authenticate(token, api.clock())
