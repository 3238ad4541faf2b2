"""The MCP tools at ``/mcp``: the official client over real HTTP, with the store's API key;
the door (401 before any MCP message) with raw HTTP."""

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

from paylinks.links.model import LinkView
from paylinks.pagination import Page
from paylinks.settings import Settings
from paylinks_api.mcp_schema import root_schema
from paylinks_api.schemas.links import LinkCreate
from paylinks_cli.compose import create_app
from tests.factories import ApiClient, Customer, StoreClient
from tests.live import LiveServer

TOOLS = {
    "list-payment-links",
    "get-payment-link",
    "create-payment-link",
    "update-payment-link",
    "deactivate-payment-link",
    "activate-payment-link",
    "get-payment-link-qr",
}


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


async def fail(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A failed call's problem: the REST API's problem body, as the error's text."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    problem: dict[str, Any] = msgspec.json.decode(error_text(result))
    assert {"type", "title", "status", "code"} <= problem.keys(), problem
    return problem


def fields(problem: dict[str, Any]) -> dict[str, str]:
    """Each field at fault, with its message."""
    return {error["field"]: error["message"] for error in problem.get("errors", [])}


def error_text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def decode_qr(png: bytes) -> str:
    with Image.open(io.BytesIO(png)) as image:
        barcodes = zxingcpp.read_barcodes(image)
    assert barcodes, "no QR code found in the PNG"
    return str(barcodes[0].text)


class TestTools:
    @pytest.mark.parametrize("mode", ["auto", "legacy"])
    async def test_lists_the_tools_on_either_protocol(
        self, server: LiveServer, store: StoreClient, mode: str
    ) -> None:
        async with connect(server, store.api_key, mode=mode) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            created = await call(client, "create-payment-link", title="Beans", amount=900)

        assert set(tools) == TOOLS
        schema = tools["create-payment-link"].input_schema
        assert {"title", "amount", "customer_fields", "after_payment"} <= set(schema["properties"])
        assert created["id"].startswith("plink_")

    async def test_every_tool_has_a_title_an_output_schema_and_hints(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}

        for tool in tools.values():
            assert tool.title, tool.name
            assert tool.description, tool.name
            assert tool.output_schema is not None, tool.name
            assert tool.output_schema["type"] == "object", tool.name
            assert tool.annotations is not None, tool.name
            assert tool.annotations.open_world_hint is False, tool.name
        view = root_schema(LinkView)
        for name in TOOLS - {"list-payment-links", "get-payment-link-qr"}:
            assert tools[name].output_schema == view, name
        assert tools["list-payment-links"].output_schema == root_schema(Page[LinkView])
        assert set(tools["get-payment-link-qr"].output_schema["properties"]) == {"id", "url"}
        hints = {
            name: (
                tool.annotations.read_only_hint,
                tool.annotations.destructive_hint,
                tool.annotations.idempotent_hint,
            )
            for name, tool in tools.items()
            if tool.annotations is not None
        }
        assert hints == {
            "list-payment-links": (True, None, None),
            "get-payment-link": (True, None, None),
            "get-payment-link-qr": (True, None, None),
            "create-payment-link": (False, False, False),
            "update-payment-link": (False, True, True),
            "deactivate-payment-link": (False, True, True),
            "activate-payment-link": (False, False, True),
        }

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
        assert untitled["code"] == "validation_error"
        assert "title" in fields(untitled)

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
            back = await call(
                client, "list-payment-links", limit=2, ending_before=rest["data"][0]["id"]
            )
            both = await fail(
                client,
                "list-payment-links",
                starting_after=one_off["id"],
                ending_before=closed["id"],
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
        assert ids(back) == ids(first)
        assert (both["status"], set(fields(both))) == (400, {"ending_before"})

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


class TestDoor:
    """No MCP message is answered without a valid key: the REST API's 401 at the door."""

    INITIALIZE = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}

    async def post(
        self, server: LiveServer, body: Any, authorization: str | None
    ) -> httpx.Response:
        headers = {"Accept": "application/json, text/event-stream"}
        if authorization is not None:
            headers["Authorization"] = authorization
        async with httpx.AsyncClient(base_url=server.url) as client:
            return await client.post("/mcp", json=body, headers=headers)

    @pytest.mark.parametrize(
        "authorization", [None, "Bearer sk_wrong", "Bearer not-a-key", "Basic c2s6eA=="]
    )
    async def test_missing_or_bad_key_is_401_before_initialize_or_tools_list(
        self, server: LiveServer, authorization: str | None
    ) -> None:
        for body in (self.INITIALIZE, self.LIST):
            response = await self.post(server, body, authorization)
            assert response.status_code == 401, response.text
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.headers["content-type"].startswith("application/problem+json")
            problem = response.json()
            assert (problem["status"], problem["code"]) == (401, "unauthorized")
            assert problem["detail"]
            assert problem["request_id"] == response.headers["request-id"]

    async def test_a_valid_key_opens_the_door(self, server: LiveServer, store: StoreClient) -> None:
        response = await self.post(server, self.INITIALIZE, f"Bearer {store.api_key}")
        assert response.status_code == 200, response.text
        assert response.json()["result"]["serverInfo"]["name"] == "paylinks"

    async def test_the_official_client_cannot_connect_without_a_key(
        self, server: LiveServer
    ) -> None:
        with pytest.raises(Exception):  # noqa: B017 (the SDK's own error for a 401)
            async with connect(server, "sk_wrong") as client:
                await client.list_tools()

    async def test_a_revoked_key_is_refused(self, server: LiveServer, store: StoreClient) -> None:
        created = await store.post("/v1/api-keys", json={"name": "agent"})
        assert created.status_code == 201, created.text
        key = created.json()
        async with connect(server, key["secret"]) as client:
            await call(client, "list-payment-links")
        revoked = await store.delete(f"/v1/api-keys/{key['id']}")
        assert revoked.status_code in (200, 204), revoked.text
        response = await self.post(server, self.LIST, f"Bearer {key['secret']}")
        assert response.status_code == 401

    async def test_unknown_host_is_refused(self, server: LiveServer, store: StoreClient) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{server.url}/mcp",
                headers={
                    "Host": "evil.example",
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {store.api_key}",
                },
                json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
            )

        assert response.status_code == 421


class TestAuth:
    async def test_another_stores_link_is_not_found(
        self, server: LiveServer, api: ApiClient, store: StoreClient
    ) -> None:
        other = await api.create_store(name="Other Coffee")
        theirs = await other.create_link(title="Not yours")
        async with connect(server, store.api_key) as client:
            getting = await fail(client, "get-payment-link", link_id=theirs["id"])
            qr = await fail(client, "get-payment-link-qr", link_id=theirs["id"])
            changing = [
                await fail(client, "update-payment-link", link_id=theirs["id"], title="Mine"),
                await fail(client, "deactivate-payment-link", link_id=theirs["id"]),
                await fail(client, "activate-payment-link", link_id=theirs["id"]),
            ]
            listing = await call(client, "list-payment-links")

        assert (getting["status"], getting["code"]) == (404, "resource_missing")
        assert getting["detail"] == "No such payment link."
        assert qr["code"] == "resource_missing"
        assert listing["data"] == []
        assert [problem["code"] for problem in changing] == ["resource_missing"] * 3
        assert (await other.get(f"/v1/payment-links/{theirs['id']}")).json() == theirs

    async def test_unknown_link_is_not_found(self, server: LiveServer, store: StoreClient) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(
                client, "get-payment-link", link_id="plink_00000000000000000000000000000000"
            )

        assert (message["code"], message["detail"]) == ("resource_missing", "No such payment link.")

    async def test_payments_not_activated(self, server: LiveServer, api: ApiClient) -> None:
        store = await api.create_store(activate=False)
        async with connect(server, store.api_key) as client:
            creating = await fail(client, "create-payment-link", title="Early", amount=100)
            listing = await fail(client, "list-payment-links")

        for message in (creating, listing):
            assert (message["status"], message["code"]) == (409, "payments_not_activated")
            assert "Activate payments" in message["detail"]


class TestInvalidInput:
    async def test_fixed_link_without_amount_names_the_field(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(client, "create-payment-link", title="No price")
            listing = await call(client, "list-payment-links")

        assert (message["status"], message["code"]) == (422, "validation_error")
        assert fields(message) == {"amount": "A fixed-amount link needs an amount."}
        assert listing["data"] == []

    async def test_unknown_venue_names_the_field(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        async with connect(server, store.api_key) as client:
            message = await fail(
                client, "create-payment-link", title="Pop-up", amount=100, venue_id="ven_nope"
            )

        assert fields(message) == {"venue_id": "No such venue in this store."}

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

        assert {"title", "min_amount", "max_payments", "expires_at", "after_payment.url"} <= set(
            fields(message)
        )

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

        assert misspelt["code"] == "validation_error"
        assert set(fields(misspelt)) == {"max_paymnets"}
        assert set(fields(nested)) == {"customer_fields.shoe_size"}
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

        assert set(fields(redirect)) == {"after_payment.url"}
        assert set(fields(mode)) == {"customer_fields.email"}
        assert set(fields(status)) == {"status"}
        for problem in (redirect, mode, status):
            # The house's messages, never pydantic's.
            assert "pydantic" not in str(problem)
            assert "validation error for" not in str(problem)

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
            assert set(fields(message)) == {field}
        assert listing["data"] == []
        assert rest.status_code == 422


class TestChangingTools:
    async def test_update_changes_what_is_given_and_null_clears(
        self, server: LiveServer, store: StoreClient
    ) -> None:
        link = await store.create_link(description="250 g", metadata={"order": "7"})
        async with connect(server, store.api_key) as client:
            edited = await call(
                client,
                "update-payment-link",
                link_id=link["id"],
                title="  Decaf ",
                description=None,
                max_payments=3,
                customer_fields='{"email": "required"}',
            )

        assert edited["title"] == "Decaf"
        assert edited["description"] is None
        assert edited["max_payments"] == 3
        assert edited["customer_fields"]["email"] == "required"
        assert edited["metadata"] == {"order": "7"}
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json() == edited
        events = (await store.get("/v1/events", params={"payment_link_id": link["id"]})).json()
        assert [event["type"] for event in events["data"]] == [
            "payment_link.updated",
            "payment_link.created",
        ]

    async def test_update_follows_the_rest_rules(
        self, server: LiveServer, api: ApiClient, store: StoreClient
    ) -> None:
        link = await store.create_link()
        await Customer(api.client).pay(link["id"])
        async with connect(server, store.api_key) as client:
            locked = await fail(client, "update-payment-link", link_id=link["id"], amount=99)
            typed = await fail(client, "update-payment-link", link_id=link["id"], type="one_off")
            untitled = await fail(client, "update-payment-link", link_id=link["id"], title=" ")
            capped = await fail(client, "update-payment-link", link_id=link["id"], max_payments=0)
            missing = await fail(client, "update-payment-link", title="No id")

        assert (locked["status"], locked["code"]) == (409, "link_has_payments")
        assert (typed["status"], set(fields(typed))) == (422, {"type"})
        assert set(fields(untitled)) == {"title"}
        assert set(fields(capped)) == {"max_payments"}
        assert set(fields(missing)) == {"link_id"}
        assert (await store.get(f"/v1/payment-links/{link['id']}")).json()["amount"] == 1450

    async def test_deactivate_and_activate(self, server: LiveServer, store: StoreClient) -> None:
        link = await store.create_link()
        async with connect(server, store.api_key) as client:
            stopped = await call(client, "deactivate-payment-link", link_id=link["id"])
            again = await call(client, "deactivate-payment-link", link_id=link["id"])
            reopened = await call(client, "activate-payment-link", link_id=link["id"])

        assert (stopped["status"], stopped["inactive_reason"]) == ("inactive", "deactivated")
        assert again == stopped
        assert (reopened["status"], reopened["inactive_reason"]) == ("active", None)
        events = (await store.get("/v1/events", params={"payment_link_id": link["id"]})).json()
        assert [event["type"] for event in events["data"]] == [
            "payment_link.updated",
            "payment_link.deactivated",
            "payment_link.created",
        ]

    async def test_a_paid_one_off_link_stays_inactive(
        self, server: LiveServer, api: ApiClient, store: StoreClient
    ) -> None:
        link = await store.create_link(type="one_off")
        await Customer(api.client).pay(link["id"])
        async with connect(server, store.api_key) as client:
            refused = await fail(client, "activate-payment-link", link_id=link["id"])

        assert (refused["status"], refused["code"]) == (409, "link_completed")
