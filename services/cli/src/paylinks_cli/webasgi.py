"""The ASGI apps of the web apps' server processes (uvicorn factories): each one the
Reflex app, its frontend served from the build (``webserve`` sets the environment)."""

from collections.abc import Callable
from typing import Any

#: An ASGI application (uvicorn calls it with scope, receive and send).
ASGIApp = Callable[..., Any]


def checkout() -> ASGIApp:
    from checkout.checkout import app

    served: ASGIApp = app()
    return served


def dashboard() -> ASGIApp:
    from dashboard.dashboard import app

    served: ASGIApp = app()
    return served
