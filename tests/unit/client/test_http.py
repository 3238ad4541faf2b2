"""The web apps' API client: one pooled HTTP client per event loop, whose connections are
kept alive between requests, and the API's answers read as Problem or Unreachable."""

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from paylinks_client import (
    Problem,
    Unreachable,
    close_pooled_clients,
    closing_pooled_clients,
    pooled_client,
    send,
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: "_Server"

    def do_GET(self) -> None:
        self.server.clients.add(self.client_address)
        missing = {"code": "link_not_found", "detail": "No such link."}
        status, body = (404, missing) if self.path == "/missing" else (200, {"ok": True})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    clients: set[tuple[str, int]]


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.clients = set()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


async def test_requests_share_one_kept_alive_connection(server: _Server) -> None:
    for _ in range(3):
        response = await send(_base(server), None, {}, "GET", "/links")
        assert response.json() == {"ok": True}
    assert len(server.clients) == 1
    await close_pooled_clients()


async def test_a_problem_answer_is_raised_as_problem(server: _Server) -> None:
    with pytest.raises(Problem) as raised:
        await send(_base(server), None, {}, "GET", "/missing")
    assert (raised.value.status, raised.value.code) == (404, "link_not_found")
    await close_pooled_clients()


async def test_nobody_listening_is_unreachable() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unreachable):
        await send("http://api.test", httpx.MockTransport(refused), {}, "GET", "/links")


def test_each_event_loop_gets_its_own_client() -> None:
    async def current() -> httpx.AsyncClient:
        first = pooled_client()
        assert pooled_client() is first
        return first

    first, second = asyncio.run(current()), asyncio.run(current())
    assert first is not second


async def test_a_closed_client_is_replaced_and_shutdown_closes_the_pool() -> None:
    client = pooled_client()
    await close_pooled_clients()
    assert client.is_closed
    async with closing_pooled_clients():
        replaced = pooled_client()
        assert replaced is not client
    assert replaced.is_closed
