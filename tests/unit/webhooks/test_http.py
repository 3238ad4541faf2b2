"""The webhook session connects only to public addresses, checked when it connects: a
host whose DNS answer turns private after the URL was checked (rebinding) is refused."""

import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from paylinks.webhooks.http import PrivateAddress, PublicOnlyResolver, open_session
from tests.fakes.receiver import Receiver


class Answers(AbstractResolver):
    """A DNS that answers what it is told to."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=address, port=port, family=family, proto=0, flags=0)
            for address in self.addresses
        ]

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["93.184.216.34", "192.168.1.1"], []],
)
async def test_any_private_answer_is_refused(addresses: list[str]) -> None:
    with pytest.raises(PrivateAddress):
        await PublicOnlyResolver(Answers(addresses)).resolve("hooks.example.com", 443)


async def test_public_answers_pass() -> None:
    found = await PublicOnlyResolver(Answers(["93.184.216.34"])).resolve("hooks.example.com")
    assert [result["host"] for result in found] == ["93.184.216.34"]


async def test_a_rebound_host_never_gets_a_request() -> None:
    receiver = Receiver()
    with receiver.running():
        port = int(receiver.url.split(":")[2].split("/")[0])
        connector = aiohttp.TCPConnector(resolver=PublicOnlyResolver(Answers(["127.0.0.1"])))
        async with aiohttp.ClientSession(connector=connector) as session:
            with pytest.raises(aiohttp.ClientConnectorError):
                await session.post(f"http://rebind.example.com:{port}/hooks", data=b"{}")
    assert receiver.requests == []


async def test_allowed_private_addresses_are_reached() -> None:
    receiver = Receiver()
    with receiver.running():
        async with (
            open_session(allow_private=True) as session,
            session.post(receiver.url, data=b"{}") as response,
        ):
            assert response.status == 200
    assert len(receiver.requests) == 1
