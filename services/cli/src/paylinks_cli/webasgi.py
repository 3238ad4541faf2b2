"""The ASGI apps of the web apps' server processes (granian factories): each one the
Reflex app, its frontend served from the build (``webserve`` sets the environment), its
pages able to move to another process (``page_tokens``), the client's address taken from
X-Forwarded-For when a trusted proxy sent it."""

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from paylinks_cli import page_tokens

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


def _served(app: Any) -> ASGIApp:
    stop_with_the_server()
    served: ASGIApp = app()
    page_tokens.install(app)
    # Set by ``webserve`` (TRUSTED_PROXIES_ENV): the proxies whose X-Forwarded-For counts.
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    return ProxyHeadersMiddleware(served, trusted_hosts=trusted)


def checkout() -> ASGIApp:
    from checkout.checkout import app

    return _served(app)


def dashboard() -> ASGIApp:
    from dashboard.dashboard import app

    return _served(app)
