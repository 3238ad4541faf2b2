"""The MCP tools at ``/mcp``: the official client over real HTTP, with the store's API key."""

import base64
import io
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import httpx2
import msgspec
import pytest
import zxingcpp
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, ImageContent, TextContent
from PIL import Image

from paylinks.settings import Settings
from paylinks_api.schemas.links import LinkCreate
from paylinks_cli.compose import create_app
from tests.factories import ApiClient, StoreClient
from tests.live import LiveServer

TOOLS = {"list-payment-links", "get-payment-link", "create-payment-link", "get-payment-link-qr"}


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings, run_jobs=False)) as live:
        yield live


@pytest.fixture
async def api(server: LiveServer) -> AsyncIterator[ApiClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield ApiClient(client)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


@asynccontextmanager
async def connect(
    server: LiveServer,
    api_key: str | None,
    *,
    mode: str = "auto",
    host: str | None = None,
) -> AsyncIterator[Client]:
    """The official MCP client on ``/mcp``, sending ``api_key`` as a bearer token."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key is not None else {}
    base = server.url if host is None else f"http://{host}:{server.port}"
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(f"{base}/mcp", http_client=http), mode=mode) as client,
    ):
        yield client


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A successful call's structured content."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, error_text(result)
    assert result.structured_content is not None
    return dict(result.structured_content)


async def fail(client: Client, tool: str, **arguments: Any) -> str:
    """A failed call's message."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return error_text(result)


def error_text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def decode_qr(png: bytes) -> str:
    with Image.open(io.BytesIO(png)) as image:
        barcodes = zxingcpp.read_barcodes(image)
    assert barcodes, "no QR code found in the PNG"
    return str(barcodes[0].text)


class TestTools:
    @pytest.mark.parametrize("mode", ["auto", "legacy"])
    async def test_lists_the_four_tools_on_either_protocol(
        self, server: LiveServer, store: StoreClient, mode: str
    ) -> None:
        async with connect(server, store.api_key, mode=mode) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            created = await call(client, "create-payment-link", title="Beans", amount=900)

        assert set(tools) == TOOLS
        schema = tools["create-payment-link"].input_schema
        assert {"title", "amount", "customer_fields", "after_payment"} <= set(schema["properties"])
        assert created["id"].startswith("plink_")

    async def test_create_takes_the_rest_request_body(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            # Some clients send object arguments as JSON text: they are read as objects.
            link = await call(
                client,
                "create-payment-link",
                title="Tea",
                amount=700,
                customer_fields='{"email": "required"}',
                metadata='{"order": "7"}',
            )
            untitled = await fail(client, "create-payment-link", amount=700)

        schema = tools["create-payment-link"].input_schema
        rest = msgspec.json.schema(LinkCreate)["$defs"]["LinkCreate"]
        assert schema["properties"] == rest["properties"]
        assert schema["required"] == ["title"]
        assert schema["properties"]["amount"]["description"] == "Required when fixed"
        assert (link["customer_fields"]["email"], link["metadata"]) == ("required", {"order": "7"})
        assert "- title: " in untitled

    async def test_create_with_several_fields(self, server: LiveServer, store: StoreClient) -> None:
        venue = await store.create_venue()
        expires = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
        async with connect(server, store.api_key) as client:
            link = await call(
                client,
                "create-payment-link",
                title="  Workshop ticket ",
                type="reusable",
                amount_type="variable",
                min_amount=500,
                max_amount=5000,
                max_payments=30,
                description="Saturday morning",
                reference="INV-42",
                expires_at=expires.isoformat(),
                venue_id=venue["id"],
                customer_fields={"email": "required", "customer_name": "optional"},
                after_payment={"type": "redirect", "url": "https://example.com/thanks"},
                metadata={"order": "42"},
            )

        assert link["title"] == "Workshop ticket"
        assert link["amount_type"] == "variable"
        assert (link["min_amount"], link["max_amount"], link["max_payments"]) == (500, 5000, 30)
        assert link["amount"] is None
        assert link["reference"] == "INV-42"
        assert datetime.fromisoformat(link["expires_at"]) == expires
        assert link["venue_id"] == venue["id"]
        assert link["customer_fields"]["email"] == "required"
        assert link["customer_fields"]["phone"] == "disabled"
        assert link["after_payment"] == {"type": "redirect", "url": "https://example.com/thanks"}
        assert link["metadata"] == {"order": "42"}
        assert link["currency"] == "GBP"
        assert link["status"] == "active"
        assert link["url"] == f"http://checkout.test/pay/{link['id']}"
        # The REST API sees the same link.
        response = await store.get(f"/v1/payment-links/{link['id']}")
        assert response.json() == link

    async def test_get_answers_the_link_as_the_rest_api_does(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        link = await store.create_link(title="Decaf", amount=1200, type="one_off")
        async with connect(server, store.api_key) as client:
            result = await client.call_tool("get-payment-link", {"link_id": link["id"]})

        assert not result.is_error
        assert result.structured_content == link
        text = error_text(result)
        assert link["id"] in text
        assert link["url"] in text

    async def test_list_with_filters_and_pages(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        venue = await store.create_venue()
        one_off = await store.create_link(title="Once", type="one_off")
        at_venue = await store.create_link(title="Here", venue_id=venue["id"])
        closed = await store.create_link(title="Closed")
        await store.post(f"/v1/payment-links/{closed['id']}/deactivate")

        async with connect(server, store.api_key) as client:
            everything = await call(client, "list-payment-links")
            by_venue = await call(client, "list-payment-links", venue_id=venue["id"])
            by_type = await call(client, "list-payment-links", type="one_off")
            inactive = await call(client, "list-payment-links", status="inactive")
            active_reusable = await call(
                client, "list-payment-links", status="active", type="reusable"
            )
            first = await call(client, "list-payment-links", limit=2)
            rest = await call(
                client, "list-payment-links", limit=2, starting_after=first["data"][-1]["id"]
            )

        def ids(page: dict[str, Any]) -> list[str]:
            return [link["id"] for link in page["data"]]

        assert ids(everything) == [closed["id"], at_venue["id"], one_off["id"]]
        assert everything["has_more"] is False
        assert ids(by_venue) == [at_venue["id"]]
        assert ids(by_type) == [one_off["id"]]
        assert ids(inactive) == [closed["id"]]
        assert inactive["data"][0]["inactive_reason"] == "deactivated"
        assert ids(active_reusable) == [at_venue["id"]]
        assert ids(first) == [closed["id"], at_venue["id"]]
        assert first["has_more"] is True
        assert ids(rest) == [one_off["id"]]
        assert rest["has_more"] is False

    async def test_qr_is_a_png_of_exactly_the_link_url(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        link = await store.create_link()
        async with connect(server, store.api_key) as client:
            result = await client.call_tool("get-payment-link-qr", {"link_id": link["id"]})
            small = await client.call_tool(
                "get-payment-link-qr", {"link_id": link["id"], "size": 128}
            )

        assert not result.is_error
        images = [block for block in result.content if isinstance(block, ImageContent)]
        assert len(images) == 1
        assert images[0].mime_type == "image/png"
        png = base64.b64decode(images[0].data)
        assert decode_qr(png) == link["url"]
        assert link["url"] in error_text(result)
        assert result.structured_content == {"id": link["id"], "url": link["url"]}
        small_png = base64.b64decode(
            next(block for block in small.content if isinstance(block, ImageContent)).data
        )
        with Image.open(io.BytesIO(small_png)) as image:
            assert image.size[0] <= 128
        assert decode_qr(small_png) == link["url"]

    async def test_localhost_host_is_accepted(self, server: LiveServer, store: StoreClient) -> None:
        async with connect(server, store.api_key, host="localhost") as client:
            page = await call(client, "list-payment-links")

        assert page == {"data": [], "has_more": False}


class TestAuth:
    @pytest.mark.parametrize("api_key", [None, "sk_wrong", "not-a-key"])
    async def test_missing_or_bad_key_is_refused(
        self, server: LiveServer, store: StoreClient, api_key: str | None
    ) -> None:
        link = await store.create_link()
        async with connect(server, api_key) as client:
            listing = await fail(client, "list-payment-links")
            getting = await fail(client, "get-payment-link", link_id=link["id"])
            creating = await fail(client, "create-payment-link", title="Sneaky", amount=100)
            qr = await fail(client, "get-payment-link-qr", link_id=link["id"])

        for message in (listing, getting, creating, qr):
            assert "unauthorized" in message
            assert link["id"] not in message
        assert (await store.get("/v1/payment-links")).json()["data"] == [link]

    async def test_revoked_key_is_refused(self, server: LiveServer, store: StoreClient) -> None:
        created = await store.post("/v1/api-keys", json={"name": "agent"})
        assert created.status_code == 201, created.text
        key = created.json()
        async with connect(server, key["secret"]) as client:
            await call(client, "list-payment-links")
            revoked = await store.delete(f"/v1/api-keys/{key['id']}")
            assert revoked.status_code in (200, 204), revoked.text
            message = await fail(client, "list-payment-links")

        assert "unauthorized" in message

    async def test_another_stores_link_is_not_found(
        self, server: LiveServer, api: ApiClient, store: StoreClient
    ) -> None:
        other = await api.create_store(name="Other Coffee")
        theirs = await other.create_link(title="Not yours")
        async with connect(server, store.api_key) as client:
            getting = await fail(client, "get-payment-link", link_id=theirs["id"])
            qr = await fail(client, "get-payment-link-qr", link_id=theirs["id"])
            listing = await call(client, "list-payment-links")

        assert "resource_missing" in getting
        assert "No such payment link" in getting
        assert "resource_missing" in qr
        assert listing["data"] == []

    async def test_unknown_link_is_not_found(self, server: LiveServer, store: StoreClient) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(
                client, "get-payment-link", link_id="plink_00000000000000000000000000000000"
            )

        assert "resource_missing: No such payment link." in message

    async def test_payments_not_activated(self, server: LiveServer, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        async with connect(server, store.api_key) as client:
            creating = await fail(client, "create-payment-link", title="Early", amount=100)
            listing = await fail(client, "list-payment-links")

        for message in (creating, listing):
            assert "payments_not_activated" in message
            assert "Activate payments" in message

    async def test_unknown_host_is_refused(self, server: LiveServer) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{server.url}/mcp",
                headers={"Host": "evil.example", "Content-Type": "application/json"},
                json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
            )

        assert response.status_code == 421


class TestInvalidInput:
    async def test_fixed_link_without_amount_names_the_field(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(client, "create-payment-link", title="No price")
            listing = await call(client, "list-payment-links")

        assert "validation_error" in message
        assert "- amount: A fixed-amount link needs an amount." in message
        assert listing["data"] == []

    async def test_unknown_venue_names_the_field(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(
                client, "create-payment-link", title="Pop-up", amount=100, venue_id="ven_nope"
            )

        assert "- venue_id: No such venue in this store." in message

    async def test_every_broken_rule_is_listed(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        async with connect(server, store.api_key) as client:
            message = await fail(
                client,
                "create-payment-link",
                title=" ",
                type="one_off",
                amount_type="variable",
                min_amount=900,
                max_amount=100,
                max_payments=3,
                expires_at=past,
                after_payment={"type": "redirect", "url": "http://example.com"},
            )

        for field in ("title", "min_amount", "max_payments", "expires_at", "after_payment.url"):
            assert f"- {field}: " in message

    async def test_unknown_arguments_are_refused_not_dropped(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            misspelt = await fail(
                client, "create-payment-link", title="Capped", amount=100, max_paymnets=3
            )
            nested = await fail(
                client,
                "create-payment-link",
                title="Ask",
                amount=100,
                customer_fields={"email": "required", "shoe_size": "optional"},
            )
            listing = await call(client, "list-payment-links")

        assert "validation_error" in misspelt
        assert "- max_paymnets: Unknown argument." in misspelt
        assert "shoe_size" in nested
        assert listing["data"] == []

    async def test_malformed_nested_fields_name_the_field(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            redirect = await fail(
                client,
                "create-payment-link",
                title="Go",
                amount=100,
                after_payment={"type": "redirect"},
            )
            mode = await fail(
                client,
                "create-payment-link",
                title="Ask",
                amount=100,
                customer_fields={"email": "always"},
            )
            status = await fail(client, "list-payment-links", status="open")

        assert "after_payment.url" in redirect
        assert "customer_fields" in mode
        assert "email" in mode
        assert "status" in status

    async def test_integers_are_strict_as_on_the_rest_api(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            messages = [
                await fail(client, "create-payment-link", title="t", amount=True),
                await fail(client, "create-payment-link", title="t", amount=14.0),
                await fail(client, "create-payment-link", title="t", amount="1450"),
                await fail(client, "create-payment-link", title="t", amount=100, max_payments=True),
                await fail(client, "list-payment-links", limit=True),
            ]
            listing = await call(client, "list-payment-links")
        rest = await store.post("/v1/payment-links", json={"title": "t", "amount": True})

        for message, field in zip(
            messages, ["amount", "amount", "amount", "max_payments", "limit"], strict=True
        ):
            assert field in message
        assert listing["data"] == []
        assert rest.status_code == 422
