"""docs/mcp.md: its Python example, taken from the page and run, connects to a live API's
``/mcp`` with a store's key and makes a link; its table lists every tool served."""

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.docs.markdown import code_blocks, read, section
from tests.factories import ApiClient, StoreClient
from tests.live import LiveServer

DOC = read("docs/mcp.md")
#: The tools of SPEC §8, which the page documents.
SPEC_TOOLS = {
    "list-payment-links",
    "get-payment-link",
    "create-payment-link",
    "update-payment-link",
    "deactivate-payment-link",
    "get-payment-link-qr",
}


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings, run_jobs=False)) as live:
        yield live


@pytest.fixture
async def store(server: LiveServer) -> AsyncIterator[StoreClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield await ApiClient(client).create_store()


def example() -> dict[str, Any]:
    """The page's Python example, run as a module that is not ``__main__``."""
    (source,) = code_blocks(section(DOC, "## Connecting a client"), "python")
    namespace: dict[str, Any] = {"__name__": "mcp_example"}
    exec(compile(source, "docs/mcp.md", "exec"), namespace)
    return namespace


def documented_tools() -> set[str]:
    table = section(DOC, "## Tools")
    return set(re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE))


async def test_the_python_example_lists_the_tools_and_makes_a_link(
    server: LiveServer, store: StoreClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await example()["main"](server.url, store.api_key)

    printed = capsys.readouterr().out
    served = set(re.search(r"^tools: (.*)$", printed, flags=re.MULTILINE)[1].split(", "))
    assert served <= documented_tools()
    link_id, url = re.search(r"^created: (plink_\w+) (\S+)$", printed, flags=re.MULTILINE).groups()
    shown = (await store.get(f"/v1/payment-links/{link_id}")).json()
    assert shown["title"] == "Espresso beans"
    assert shown["url"] == url


def test_the_table_lists_the_tools_of_the_spec() -> None:
    assert documented_tools() == SPEC_TOOLS
