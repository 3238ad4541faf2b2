"""The HTTP session webhooks go out on. Unless the deployment allows private addresses,
its resolver refuses a host that resolves to any non-public address at the moment of
connecting, so a DNS answer that changes after the check (rebinding) cannot reach inside."""

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from paylinks.webhooks.model import is_public_address


class PrivateAddress(OSError):
    """The host resolved to a private, loopback or otherwise non-public address."""


class PublicOnlyResolver(AbstractResolver):
    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self.inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        if not found or any(not is_public_address(result["host"]) for result in found):
            raise PrivateAddress(f"The host {host!r} resolves to a private or loopback address.")
        return found

    async def close(self) -> None:
        await self.inner.close()


def open_session(allow_private: bool) -> aiohttp.ClientSession:
    """A pooled session (open it on the event loop that will use it). Proxy settings of
    the environment are not followed: a proxy would connect to hosts this resolver never
    saw."""
    resolver = None if allow_private else PublicOnlyResolver()
    connector = aiohttp.TCPConnector(limit=100, limit_per_host=20, resolver=resolver)
    return aiohttp.ClientSession(connector=connector, trust_env=False)
