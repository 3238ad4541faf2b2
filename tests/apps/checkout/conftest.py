"""The checkout's state against the real API in-process (SQLite), over httpx like in
production, with no browser: the pay page's handlers are awaited directly."""

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from checkout import api as checkout_api
from checkout.state.pay import PayState
from reflex.istate.data import RouterData

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.apps.conftest import API_BASE
from tests.conftest import FrozenClock, running
from tests.factories import ApiClient, StoreClient


@pytest.fixture
async def api(
    app_settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ApiClient]:
    """The API on SQLite; the checkout's API client is pointed at it."""
    app = create_app(app_settings, clock=clock, auto_migrate=True, run_jobs=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    monkeypatch.setattr(
        checkout_api, "client", lambda _ip=None: checkout_api.CheckoutApi(API_BASE, transport)
    )
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url=API_BASE) as client,
    ):
        yield ApiClient(client)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


def page_state(path: str, accept_language: str = "en-GB,en;q=0.9") -> PayState:
    """The pay page's state as a browser opening ``path`` would have it."""
    state = PayState()
    state.router = RouterData.from_router_data(
        {
            "pathname": "/pay/[plink_id]",
            "asPath": path,
            "headers": {"origin": "http://checkout.test", "accept-language": accept_language},
        }
    )
    return state


@pytest.fixture
def open_page() -> Callable[..., Any]:
    """``await open_page(link_id)``: the state after the page loaded."""

    async def open_(link_id: str, accept_language: str = "en-GB,en;q=0.9") -> PayState:
        state = page_state(f"/pay/{link_id}", accept_language)
        [event async for event in state.load()]
        return state

    return open_


async def submit(state: PayState, **fields: str) -> list[Any]:
    """Press Pay with these form values; returns what the handler yielded."""
    form = {"attempt": str(state.attempt), **fields}
    return [event async for event in state.submit(form)]


CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12 / 30", "cvc": "123"}
DECLINED = {**CARD, "card_number": "4000 0000 0000 0002"}


def mock_api(handler: Callable[[httpx.Request], httpx.Response]) -> checkout_api.CheckoutApi:
    return checkout_api.CheckoutApi(API_BASE, httpx.MockTransport(handler))
