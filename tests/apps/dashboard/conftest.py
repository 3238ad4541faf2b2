"""The dashboard's states against the real API in-process (SQLite), over httpx like in
production, with no browser: handlers are awaited directly on states built the way Reflex
builds them (every page state is a substate of the session)."""

import inspect
import io
import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import reflex as rx
from dashboard import api as dashboard_api
from dashboard.session_cookie import SESSION_COOKIE
from dashboard.state.session import SessionState
from reflex.istate.data import RouterData
from starlette.datastructures import Headers

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.apps.conftest import API_BASE
from tests.conftest import FrozenClock, running
from tests.factories import PASSWORD, ApiClient, StoreClient

S = TypeVar("S", bound=rx.State)


@pytest.fixture
async def api(
    app_settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ApiClient]:
    """The API on SQLite; the dashboard's API client is pointed at it."""
    app = create_app(app_settings, clock=clock, auto_migrate=True, run_jobs=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))

    def client(token: str = "", client_ip: str | None = None) -> dashboard_api.DashboardApi:
        return dashboard_api.DashboardApi(token, API_BASE, transport, client_ip)

    monkeypatch.setattr(dashboard_api, "client", client)
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url=API_BASE) as http,
    ):
        yield ApiClient(http)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    """A store with payments activated (sandbox)."""
    return await api.create_store()


async def session_token(api: ApiClient, store: StoreClient) -> str:
    response = await api.client.post(
        "/v1/auth/login", json={"email": store.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def redirected_to(event: Any) -> str | None:
    """The path of an ``rx.redirect(...)`` event (None for anything else)."""
    for name, value in getattr(event, "args", ()) or ():
        if str(name) == "path":
            return str(getattr(value, "_var_value", value))
    return None


_connections = itertools.count(1)


def connected(state: rx.State, token: str = "") -> None:
    """The page's websocket connects (again), with ``token`` in its session cookie."""
    cookie = f"{SESSION_COOKIE}={token}; paylinks_tz=Europe/London" if token else ""
    state.router = RouterData.from_router_data(
        {"sid": f"sid-{next(_connections)}", "headers": {"cookie": cookie}}
    )


def state_of(cls: type[S], token: str = "") -> S:
    """``cls`` inside a fresh state tree, on a page whose connection came with ``token``
    in the session cookie (none: signed out)."""
    root = rx.State()
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    assert isinstance(session, SessionState)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    connected(state, token)
    assert isinstance(state, cls)
    return state


@pytest.fixture
async def signed_in(api: ApiClient, store: StoreClient) -> Any:
    """``await signed_in(SomeState)``: that page's state for the store's signed-in user,
    after the session loaded (``/v1/me``)."""

    async def make(cls: type[S]) -> S:
        state = state_of(cls, await session_token(api, store))
        session = state if isinstance(state, SessionState) else None
        assert session is not None
        await session.require_session()
        assert session.ready
        return state

    return make


async def run(handler: Any) -> list[Any]:
    """Every event a handler gives: an async generator's yields, or what it returns."""
    if isinstance(handler, AsyncIterator):
        return [event async for event in handler]
    result = await handler if inspect.isawaitable(handler) else handler
    return [] if result is None else [result]


def everything_held(state: Any) -> str:
    """The whole state tree of the page view, as text (what could leak to a browser)."""
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    return repr(root.dict())


def api_answering(
    monkeypatch: pytest.MonkeyPatch, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    """From now on the dashboard's API calls get ``answer(request)``."""
    monkeypatch.setattr(
        dashboard_api,
        "client",
        lambda token="", client_ip=None: dashboard_api.DashboardApi(
            token, API_BASE, httpx.MockTransport(answer)
        ),
    )


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


def api_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the dashboard's API calls find nobody listening."""
    api_answering(monkeypatch, refused)


def upload(data: bytes, name: str = "beans.png", content_type: str = "image/png") -> rx.UploadFile:
    """A file as the browser's upload hands it to a handler."""
    return rx.UploadFile(
        file=io.BytesIO(data),
        path=Path(name),
        size=len(data),
        headers=Headers({"content-type": content_type}),
    )
