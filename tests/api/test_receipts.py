"""Receipts and refund notices: emailed to the customer who gave an email, in the
checkout's language, through the message jobs (SMTP here, a local sink)."""

from typing import Any

from tests.api.conftest import Sink
from tests.factories import ApiClient, Customer, StoreClient, eventually


async def receipts(store: StoreClient, payment_id: str) -> list[dict[str, Any]]:
    response = await store.get(f"/v1/payments/{payment_id}/receipts")
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def settled(messages: list[dict[str, Any]]) -> bool:
    return bool(messages) and all(m["status"] != "queued" for m in messages)


def parts(mail: Any) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in mail.walk()
        if not part.is_multipart()
    }


async def pay(api: ApiClient, store: StoreClient, **start: Any) -> str:
    link = await store.create_link(title="Espresso beans", customer_fields={"email": "optional"})
    customer = Customer(api.client)
    started = await customer.start(link["id"], **start)
    assert started.status_code == 201, started.text
    confirmed = await customer.confirm(started.json()["id"])
    assert confirmed.json()["status"] == "succeeded", confirmed.text
    return str(started.json()["id"])


class TestReceipt:
    async def test_the_customer_gets_one_with_the_payment(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store(name="Acme Coffee")
        payment_id = await pay(sending_api, store, customer={"email": "ann@example.com"})
        [message] = await eventually(lambda: receipts(store, payment_id), settled)
        assert (message["kind"], message["status"], message["transport"]) == (
            "receipt",
            "sent",
            "smtp",
        )
        assert (message["payment_id"], message["recipient"]) == (payment_id, "ann@example.com")
        [mail] = smtp[0].messages
        assert mail["To"] == "ann@example.com"
        assert mail["Subject"] == "Your receipt from Acme Coffee"
        reference = (await store.get(f"/v1/payments/{payment_id}")).json()["reference"]
        for text in parts(mail).values():
            assert "Espresso beans" in text
            assert "£14.50" in text
            assert reference in text
        link_id = (await store.get(f"/v1/payments/{payment_id}")).json()["payment_link_id"]
        sends = (await store.get(f"/v1/payment-links/{link_id}/messages")).json()["data"]
        assert sends == []  # a receipt is not a send of the link

    async def test_in_the_checkouts_language(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store(name="Acme Coffee")
        payment_id = await pay(
            sending_api, store, customer={"email": "ann@example.com"}, locale="de"
        )
        await eventually(lambda: receipts(store, payment_id), settled)
        [mail] = smtp[0].messages
        assert mail["Subject"] == "Ihre Quittung von Acme Coffee"
        text = parts(mail)["text/plain"]
        assert "Gezahlter Betrag: 14,50\u00a0£" in text
        assert 'lang="de"' in parts(mail)["text/html"]

    async def test_with_the_stores_logo_and_colour(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        from tests.factories import image_bytes, upload_image

        store = await sending_api.create_store()
        logo = (await upload_image(store, image_bytes())).json()
        await store.patch("/v1/store", json={"logo_image_id": logo["id"], "brand_color": "#ffd400"})
        payment_id = await pay(sending_api, store, customer={"email": "ann@example.com"})
        await eventually(lambda: receipts(store, payment_id), settled)
        html = parts(smtp[0].messages[0])["text/html"]
        assert f"/v1/images/{logo['id']}" in html
        assert "background:#ffd400" in html
        assert "color:#000000" in html

    async def test_a_failing_server_is_retried(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        from paylinks.messages.tables import MessageTable

        store = await sending_api.create_store()
        smtp[0].failures = ["451 4.3.0 Try again later"]
        payment_id = await pay(sending_api, store, customer={"email": "ann@example.com"})
        first = await eventually(
            lambda: receipts(store, payment_id), lambda ms: bool(ms) and ms[0]["attempts"] == 1
        )
        assert first[0]["status"] == "queued"
        await MessageTable.raw(
            "UPDATE message SET lease_until = NULL WHERE status = 'queued' AND attempts = 1"
        )
        [message] = await eventually(lambda: receipts(store, payment_id), settled)
        assert (message["status"], message["attempts"]) == ("sent", 2)
        assert len(smtp[0].messages) == 1

    async def test_none_without_an_email_or_with_receipts_off(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store()
        no_email = await pay(sending_api, store)
        await store.patch("/v1/store", json={"receipts_enabled": False})
        switched_off = await pay(sending_api, store, customer={"email": "ann@example.com"})
        assert await receipts(store, no_email) == []
        assert await receipts(store, switched_off) == []
        assert smtp[0].messages == []


class TestRefundNotice:
    async def test_a_successful_refund_is_announced(
        self, sending_api: ApiClient, smtp: tuple[Sink, int]
    ) -> None:
        store = await sending_api.create_store(name="Acme Coffee")
        payment_id = await pay(sending_api, store, customer={"email": "ann@example.com"})
        refund = await store.post(f"/v1/payments/{payment_id}/refunds", json={"amount": 450})
        assert refund.status_code == 201, refund.text
        messages = await eventually(
            lambda: receipts(store, payment_id), lambda ms: len(ms) == 2 and settled(ms)
        )
        assert [m["kind"] for m in messages] == ["refund_notice", "receipt"]
        notice = next(m for m in smtp[0].messages if "refund" in m["Subject"])
        assert notice["Subject"] == "Your refund from Acme Coffee"
        assert "Acme Coffee has refunded £4.50 of your payment." in parts(notice)["text/plain"]


async def test_receipts_of_another_stores_payment_are_404(
    sending_api: ApiClient, smtp: tuple[Sink, int]
) -> None:
    store = await sending_api.create_store()
    other = await sending_api.create_store(name="Other")
    payment_id = await pay(sending_api, store, customer={"email": "ann@example.com"})
    response = await other.get(f"/v1/payments/{payment_id}/receipts")
    assert response.status_code == 404
