"""Who is calling: the bearer token of an API key (``sk_…``) or a dashboard session."""

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from paylinks.errors import Unauthorized
from paylinks.stores import service as stores
from paylinks.stores.model import Principal
from paylinks_api.context import ApiContext


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def provide_principal(
    request: Request[Any, Any, Any], ctx: NamedDependency[ApiContext]
) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer sk_…'.")
    return await stores.authenticate(token, ctx.clock())
