"""Where the web apps reach the API, and one pooled HTTP client to do it with.

Every request goes through the pooled ``httpx.AsyncClient`` of its event loop, so that
requests reuse kept-alive connections instead of opening one each. Over the network the
client speaks through aiohttp (``httpx_aiohttp``): httpx's own transport (httpcore on anyio)
cost about 2 ms of CPU a request with 32 in flight, aiohttp under the same httpx client
about 0.4 ms, and the checkout makes three API requests a payment. A client belongs to
the loop it was made on (its connections do): Reflex runs every event handler on its
server's one loop, so a web app process has one client, closed at shutdown
(``closing_pooled_clients``). A request on another loop (a test's) gets new clients; those
of the previous loop are dropped, not closed, since that loop is gone or not ours.
"""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from httpx_aiohttp import AiohttpTransport

from paylinks_client.problems import Unreachable, problem_of

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_API_URL = "http://127.0.0.1:8000"

Transport = httpx.AsyncBaseTransport | None


def api_url() -> str:
    """Where the web apps reach the API (``PAYLINKS_API_URL``; ``paylinks up`` sets it)."""
    return os.environ.get("PAYLINKS_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL


class _Pool:
    """The clients of one event loop, by transport (None: the network; tests bring the API
    in-process or a mock)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: dict[Transport, httpx.AsyncClient] = {}

    def client(self, transport: Transport) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            self.loop, self.clients = loop, {}
        client = self.clients.get(transport)
        if client is None or client.is_closed:
            network = transport or AiohttpTransport(trust_env=False)
            client = httpx.AsyncClient(transport=network, timeout=TIMEOUT)
            self.clients[transport] = client
        return client

    async def close(self) -> None:
        clients = self.clients if self.loop is asyncio.get_running_loop() else {}
        self.loop, self.clients = None, {}
        for client in clients.values():
            await client.aclose()


_pool = _Pool()


def pooled_client(transport: Transport = None) -> httpx.AsyncClient:
    """This event loop's client for ``transport``, made at its first use."""
    return _pool.client(transport)


async def close_pooled_clients() -> None:
    """Close this event loop's clients and their connections."""
    await _pool.close()


@asynccontextmanager
async def closing_pooled_clients() -> AsyncIterator[None]:
    """A Reflex lifespan task: the pooled clients closed when the app shuts down."""
    try:
        yield
    finally:
        await close_pooled_clients()


async def open_stream(
    base_url: str,
    transport: Transport,
    client_headers: dict[str, str],
    path: str,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    """A GET whose body is read as it arrives (``aiter_bytes``; the caller closes it): its
    answer when it succeeded, else ``Problem`` (4xx) or ``Unreachable``."""
    client = pooled_client(transport)
    request = client.build_request(
        "GET", f"{base_url.rstrip('/')}{path}", headers=client_headers, params=params
    )
    try:
        response = await client.send(request, stream=True)
    except httpx.HTTPError as error:
        raise Unreachable(f"GET {path}: {error!r}") from error
    if response.status_code < 400:
        return response
    try:
        await response.aread()
    except httpx.HTTPError as error:
        raise Unreachable(f"GET {path}: {error!r}") from error
    finally:
        await response.aclose()
    if response.status_code >= 500:
        raise Unreachable(f"GET {path}: HTTP {response.status_code}")
    raise problem_of(response)


async def send(
    base_url: str,
    transport: Transport,
    client_headers: dict[str, str],
    method: str,
    path: str,
    **request: Any,
) -> httpx.Response:
    """One request through the pooled client (``request``: httpx's ``json``, ``params``,
    ``files``, ``headers`` of this request beside ``client_headers``): its answer when it
    succeeded, else ``Problem`` (4xx) or ``Unreachable``."""
    headers = {**client_headers, **(request.pop("headers", None) or {})}
    try:
        response = await pooled_client(transport).request(
            method, f"{base_url.rstrip('/')}{path}", headers=headers, **request
        )
    except httpx.HTTPError as error:
        raise Unreachable(f"{method} {path}: {error!r}") from error
    if response.status_code >= 500:
        raise Unreachable(f"{method} {path}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise problem_of(response)
    return response
