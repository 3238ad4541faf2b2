"""Sending a link by email (SMTP) and SMS (Twilio), and the local outbox default."""

from typing import Any

import pytest

from paylinks.links.tables import PaymentLinkTable
from paylinks.messages import sender
from tests.api.conftest import Sink
from tests.factories import PASSWORD, ApiClient, StoreClient, eventually
from tests.fakes.twilio_server import FakeTwilio


async def sends(store: StoreClient, link_id: str) -> list[dict[str, Any]]:
    return list((await store.get(f"/v1/payment-links/{link_id}/messages")).json()["data"])


def settled(messages: list[dict[str, Any]]) -> bool:
    return bool(messages) and all(m["status"] != "queued" for m in messages)


class TestEmail:
    async def test_text_and_html_parts_carry_title_amount_and_link(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store(name="Acme & Sons")
        link = await store.create_link(title="Espresso <beans>", amount=1450)
        queued = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"email": "Ann@Example.com"}
        )
        assert queued.status_code == 202
        body = queued.json()
        assert body["id"].startswith("msg_")
        assert (body["channel"], body["recipient"], body["status"]) == (
            "email",
            "Ann@example.com",
            "queued",
        )

        messages = await eventually(lambda: sends(store, link["id"]), settled)
        assert messages[0]["status"] == "sent"
        assert messages[0]["transport"] == "smtp"
        assert messages[0]["delivered"] is True
        sink = smtp[0]
        assert len(sink.messages) == 1
        mail = sink.messages[0]
        assert mail["To"] == "Ann@example.com"
        assert mail["Subject"] == "Acme & Sons: Espresso <beans>"
        parts = {
            part.get_content_type(): part.get_payload(decode=True).decode()
            for part in mail.walk()
            if not part.is_multipart()
        }
        assert set(parts) == {"text/plain", "text/html"}
        for text in parts.values():
            assert "£14.50" in text
            assert link["url"] in text
        assert "Espresso &lt;beans&gt;" in parts["text/html"]
        assert "Espresso <beans>" in parts["text/plain"]


class TestSms:
    async def test_body_and_recipient(self, sending_api: ApiClient, twilio: FakeTwilio) -> None:
        store = await sending_api.create_store()
        link = await store.create_link(amount=999)
        queued = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"phone": "+1 650-253-0000"}
        )
        assert queued.json()["recipient"] == "+16502530000"
        messages = await eventually(lambda: sends(store, link["id"]), settled)
        assert (messages[0]["status"], messages[0]["transport"]) == ("sent", "twilio")
        assert len(twilio.sent) == 1
        sms = twilio.sent[0]
        assert (sms["To"], sms["From"]) == ("+16502530000", "+15005550006")
        assert "£9.99" in sms["Body"]
        assert link["url"] in sms["Body"]
        assert twilio.auth_headers[0].startswith("Basic ")

    async def test_a_transient_failure_is_retried(
        self, sending_api: ApiClient, twilio: FakeTwilio
    ) -> None:
        from paylinks.messages.tables import MessageTable

        twilio.failures = [503]
        store = await sending_api.create_store()
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"phone": "+16502530000"})

        # The first attempt failed and the retry waits its turn (10 s)...
        first = await eventually(
            lambda: sends(store, link["id"]), lambda ms: bool(ms) and ms[0]["attempts"] == 1
        )
        assert first[0]["status"] == "queued"
        assert "Unavailable" in first[0]["error"]
        # ...time passes: the wait is over (once: a claimed retry keeps its lease).
        await MessageTable.raw(
            "UPDATE message SET lease_until = NULL WHERE status = 'queued' AND attempts = 1"
        )
        messages = await eventually(lambda: sends(store, link["id"]), settled)
        assert messages[0]["status"] == "sent"
        assert messages[0]["attempts"] == 2
        assert len(twilio.sent) == 1


class TestOutboxDefault:
    async def test_without_smtp_or_twilio_messages_stay_in_the_outbox(
        self, api_with_jobs: ApiClient
    ) -> None:
        store = await api_with_jobs.create_store()
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"})
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"phone": "+16502530000"})
        messages = await eventually(
            lambda: sends(store, link["id"]), lambda ms: len(ms) == 2 and settled(ms)
        )
        for message in messages:
            assert message["transport"] == "outbox"
            assert message["delivered"] is False
            assert link["url"] in message["body"]


class TestRules:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "email"),
            ({"email": "a@example.com", "phone": "+16502530000"}, "phone"),
            ({"email": "nope"}, "email"),
            ({"phone": "123"}, "phone"),
            ({"email": "a@example.com", "fax": "1"}, "fax"),
        ],
    )
    async def test_exactly_one_valid_recipient(
        self, api: ApiClient, body: dict[str, Any], field: str
    ) -> None:
        store = await api.create_store()
        link = await store.create_link()
        response = await store.post(f"/v1/payment-links/{link['id']}/send", json=body)
        assert response.status_code == 422
        assert field in {e["field"] for e in response.json()["errors"]}
        assert await sends(store, link["id"]) == []

    async def test_only_active_links_can_be_sent(self, api: ApiClient) -> None:
        store = await api.create_store()
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        response = await store.post(
            f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "link_not_active"

    async def test_another_stores_link_is_404(self, api: ApiClient) -> None:
        owner = await api.create_store()
        link = await owner.create_link()
        other = await api.create_store()
        send = await other.post(
            f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"}
        )
        assert send.status_code == 404
        assert (await other.get(f"/v1/payment-links/{link['id']}/messages")).status_code == 404


class TestListMessages:
    async def test_pages_newest_first_with_limit_and_starting_after(self, api: ApiClient) -> None:
        store = await api.create_store()
        link = await store.create_link()
        path = f"/v1/payment-links/{link['id']}"
        made = []
        for n in range(3):
            sent = await store.post(f"{path}/send", json={"email": f"buyer{n}@example.com"})
            assert sent.status_code == 202, sent.text
            made.append(sent.json()["id"])
        newest_first = list(reversed(made))

        first = (await store.get(f"{path}/messages", params={"limit": 2})).json()
        after = first["data"][-1]["id"]
        second = (
            await store.get(f"{path}/messages", params={"limit": 2, "starting_after": after})
        ).json()
        everything = (await store.get(f"{path}/messages")).json()

        assert [m["id"] for m in first["data"]] == newest_first[:2]
        assert first["has_more"] is True
        assert [m["id"] for m in second["data"]] == newest_first[2:]
        assert second["has_more"] is False
        assert [m["id"] for m in everything["data"]] == newest_first
        assert everything["has_more"] is False

    @pytest.mark.parametrize("limit", ["0", "101", "ten"])
    async def test_a_bad_limit_is_422_on_limit(self, api: ApiClient, limit: str) -> None:
        store = await api.create_store()
        link = await store.create_link()

        response = await store.get(
            f"/v1/payment-links/{link['id']}/messages", params={"limit": limit}
        )

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["limit"]


class TestLineBreaks:
    """A line break cannot go into an email subject: titles and store names are refused
    with one, and a message that still cannot be built fails for good, not for ever."""

    async def test_a_title_with_a_line_break_is_422_on_title(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post(
            "/v1/payment-links", json={"title": "Tea\nBcc: x@example.com", "amount": 300}
        )

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["title"]

    async def test_a_store_name_with_a_line_break_is_422(self, api: ApiClient) -> None:
        response = await api.client.post(
            "/v1/auth/signup",
            json={
                "store_name": "Acme\r\nBcc: x@example.com",
                "email": "owner@example.com",
                "password": PASSWORD,
                "currency": "GBP",
            },
        )

        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["store_name"]

    async def test_an_email_that_cannot_be_built_fails_after_one_attempt(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store()
        link = await store.create_link()
        # A title stored before titles were checked.
        await PaymentLinkTable.update({PaymentLinkTable.title: "Tea\nBcc: x@example.com"}).where(
            PaymentLinkTable.id == link["id"]
        )

        await store.post(f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"})
        messages = await eventually(lambda: sends(store, link["id"]), settled)

        assert messages[0]["status"] == "failed"
        assert messages[0]["attempts"] == 1
        assert "could not be built" in messages[0]["error"]
        assert smtp[0].messages == []

    async def test_an_unforeseen_error_counts_as_an_attempt(
        self, sending_api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def broken(*args: Any) -> Any:
            raise RuntimeError("boom")

        store = await sending_api.create_store()
        link = await store.create_link()
        monkeypatch.setattr(sender, "send", broken)
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"email": "a@example.com"})

        messages = await eventually(
            lambda: sends(store, link["id"]), lambda ms: bool(ms) and ms[0]["attempts"] == 1
        )

        assert messages[0]["status"] == "queued"
        assert messages[0]["error"] == "Unexpected error (RuntimeError)."
