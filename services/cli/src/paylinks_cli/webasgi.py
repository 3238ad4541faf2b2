"""The ASGI apps of the web apps' server processes (uvicorn factories): each one the
Reflex app, its frontend served from the build (``webserve`` sets the environment), its
pages able to move to another process (``page_tokens``), its responses with the security
headers of ``webheaders``."""

from collections.abc import Callable
from typing import Any

from paylinks_cli import page_tokens
from paylinks_cli.webheaders import SecurityHeaders, StripeLinks, StripePage, origin_of

#: An ASGI application (uvicorn calls it with scope, receive and send).
ASGIApp = Callable[..., Any]


def _served(
    app: Any,
    api_url: str,
    stripe_page: StripePage | None = None,
    *,
    head_scripts: tuple[str, ...] = (),
    evaluates: bool = False,
) -> ASGIApp:
    served: ASGIApp = app()
    page_tokens.install(app)
    return SecurityHeaders(
        served, origin_of(api_url), stripe_page, head_scripts=head_scripts, evaluates=evaluates
    )


def checkout() -> ASGIApp:
    from checkout.api import Problem, Unreachable, api_url, client
    from checkout.checkout import app
    from checkout.routes import link_id_from_path

    async def gateway_of(link_id: str) -> str | None:
        try:
            link = await client().get_link(link_id)
        except (Problem, Unreachable):
            return None
        return str(link.get("gateway") or "")

    # Its state calls scripts (Stripe.js above all): see webheaders.
    return _served(app, api_url(), StripeLinks(link_id_from_path, gateway_of), evaluates=True)


def dashboard() -> ASGIApp:
    from dashboard.api import api_url
    from dashboard.dashboard import HEAD_SCRIPTS, app

    return _served(app, api_url(), head_scripts=HEAD_SCRIPTS)
