"""docs/webhooks.md says what the webhooks do: its event types are the project's, and its
Python receiver, taken from the page and run, verifies real deliveries signed by the
project's own signer (and refuses forged ones)."""

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from paylinks.events.model import EventType
from paylinks.webhooks.model import signature_header
from tests.docs.markdown import code_blocks, read, section
from tests.factories import ApiClient, Customer, StoreClient, eventually

DOC = read("docs/webhooks.md")


def example_namespace() -> dict[str, Any]:
    """The page's Python example, run as a module that is not ``__main__``."""
    (source,) = code_blocks(section(DOC, "## Verifying a delivery (Python)"), "python")
    namespace: dict[str, Any] = {"__name__": "webhooks_example"}
    exec(compile(source, "docs/webhooks.md", "exec"), namespace)
    return namespace


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The example's handler on 127.0.0.1; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/paylinks/webhooks"
    finally:
        server.shutdown()
        server.server_close()


def receiver(secret: str) -> Any:
    """The example's handler class with ``secret`` and an empty record of its own."""
    base = example_namespace()["PaylinksWebhooks"]
    quiet = {"secret": secret, "handled": set(), "log_message": lambda *args: None}
    return type("Receiver", (base,), quiet)


async def paid_event(store: StoreClient, api: ApiClient) -> tuple[str, str]:
    """A link paid by a customer: (the payment's id, the payment_link.paid event's id)."""
    link = await store.create_link()
    payment = await Customer(api.client).pay(link["id"])
    events = await store.get(
        "/v1/events", params={"type": "payment_link.paid", "payment_link_id": link["id"]}
    )
    (event,) = events.json()["data"]
    return payment["id"], event["id"]


async def answered(store: StoreClient, event_id: str) -> list[int | None]:
    """The status codes the receiver answered for the event, attempt by attempt."""

    async def fetch() -> list[int | None]:
        found = await store.get(f"/v1/events/{event_id}/deliveries")
        return [a["status_code"] for d in found.json()["data"] for a in d["attempt_log"]]

    return list(await eventually(fetch, bool))


class TestEventTypes:
    def test_the_table_lists_every_type_and_no_other(self) -> None:
        table = section(DOC, "## Event types")
        listed = {
            line.split("|")[1].strip().strip("`")
            for line in table.splitlines()
            if line.startswith("| `")
        }
        assert listed == {str(event_type) for event_type in EventType}


class Subscribed:
    """A store whose webhook endpoint for payment_link.paid is the example's receiver,
    knowing the endpoint's secret."""

    def __init__(self, store: StoreClient, handler: Any, endpoint: dict[str, Any]) -> None:
        self.store = store
        self.handler = handler
        self.endpoint = endpoint


@pytest.fixture
async def subscribed(api_with_jobs: ApiClient) -> AsyncIterator[Subscribed]:
    store = await api_with_jobs.create_store()
    handler = receiver("")
    with serving(handler) as url:
        endpoint = await store.create_endpoint(url, events=["payment_link.paid"])
        handler.secret = endpoint["secret"]
        yield Subscribed(store, handler, endpoint)


class TestTheExampleReceiver:
    async def test_it_verifies_a_real_delivery_and_handles_it_once(
        self, subscribed: Subscribed, api_with_jobs: ApiClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        store = subscribed.store
        payment_id, event_id = await paid_event(store, api_with_jobs)
        assert await answered(store, event_id) == [204]
        redelivered = await store.post(
            f"/v1/events/{event_id}/redeliver", json={"endpoint_id": subscribed.endpoint["id"]}
        )
        assert redelivered.status_code == 202
        assert await eventually(
            lambda: answered(store, event_id), lambda codes: len(codes) == 2
        ) == [204, 204]
        printed = capsys.readouterr().out
        assert printed.count(f"paid: {payment_id} 1450 GBP") == 1  # the redelivery is a duplicate
        assert subscribed.handler.handled == {event_id}

    async def test_it_refuses_a_delivery_signed_with_another_secret(
        self, subscribed: Subscribed, api_with_jobs: ApiClient
    ) -> None:
        subscribed.handler.secret = "whsec_" + "QUJD" * 8
        _, event_id = await paid_event(subscribed.store, api_with_jobs)
        assert (await answered(subscribed.store, event_id))[0] == 400
        assert subscribed.handler.handled == set()

    async def test_the_old_secret_still_verifies_for_a_day_after_a_rotation(
        self, subscribed: Subscribed, api_with_jobs: ApiClient
    ) -> None:
        store, endpoint = subscribed.store, subscribed.endpoint
        rotated = await store.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
        assert rotated.json()["secret"] != endpoint["secret"]  # the receiver keeps the old one
        _, event_id = await paid_event(store, api_with_jobs)
        assert await answered(store, event_id) == [204]

    def test_a_tampered_body_is_refused(self) -> None:
        example = example_namespace()
        secret = "whsec_" + "QUJD" * 8
        now = datetime.now(UTC)
        body = '{"id": "evt_1", "type": "payment_link.paid"}'
        headers = {
            "webhook-id": "evt_1",
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature_header([secret], "evt_1", now, body),
        }
        assert example["paylinks_event"](secret, body.encode(), headers)["id"] == "evt_1"
        with pytest.raises(example["WebhookVerificationError"]):
            example["paylinks_event"](secret, body.replace("paid", "created").encode(), headers)
