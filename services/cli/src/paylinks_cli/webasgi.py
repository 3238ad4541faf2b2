"""The ASGI apps of the web apps' server processes (granian factories): each one the
Reflex app, its frontend served from the build (``webserve`` sets the environment), its
pages able to move to another process (``page_tokens``), the client's address taken from
X-Forwarded-For when a trusted proxy sent it, its responses with the security headers of
``webheaders``."""

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from paylinks_cli import page_tokens
from paylinks_cli.webheaders import SecurityHeaders, StripeLinks, StripePage, origin_of

#: Linux' prctl option: the signal this process gets when its parent dies.
PR_SET_PDEATHSIG = 1

#: An ASGI application (the server calls it with scope, receive and send).
ASGIApp = Callable[..., Any]


def stop_with_the_server() -> None:
    """granian runs the app in a worker process: if the server process dies without
    stopping it (SIGKILL, the OOM killer), the worker gets SIGTERM and stops, rather than
    serve on as an orphan that nothing supervises (its pages then reconnect to another)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _served(
    app: Any,
    api_url: str,
    stripe_page: StripePage | None = None,
    *,
    head_scripts: tuple[str, ...] = (),
    evaluates: bool = False,
) -> ASGIApp:
    stop_with_the_server()
    served: ASGIApp = app()
    page_tokens.install(app)
    hardened: ASGIApp = SecurityHeaders(
        served, origin_of(api_url), stripe_page, head_scripts=head_scripts, evaluates=evaluates
    )
    # Set by ``webserve`` (TRUSTED_PROXIES_ENV): the proxies whose X-Forwarded-For counts.
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    return ProxyHeadersMiddleware(hardened, trusted_hosts=trusted)


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

    # Its toasts, focus and address changes come from the server as scripts: see webheaders.
    return _served(app, api_url(), head_scripts=HEAD_SCRIPTS, evaluates=True)
