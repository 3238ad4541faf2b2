"""The ASGI apps of the web apps' server processes (uvicorn factories): each one the
Reflex app, its frontend served from the build (``webserve`` sets the environment), its
pages able to move to another process (``page_tokens``)."""

from collections.abc import Callable
from typing import Any

from paylinks_cli import page_tokens

#: An ASGI application (uvicorn calls it with scope, receive and send).
ASGIApp = Callable[..., Any]


def _served(app: Any) -> ASGIApp:
    served: ASGIApp = app()
    page_tokens.install(app)
    return served


def checkout() -> ASGIApp:
    from checkout.checkout import app

    return _served(app)


def dashboard() -> ASGIApp:
    from dashboard.dashboard import app

    return _served(app)
