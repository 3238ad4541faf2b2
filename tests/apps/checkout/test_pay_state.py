"""The pay page's state, screen by screen, against the real API (no browser)."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from checkout import api as checkout_api
from checkout import i18n
from checkout.display import retry_text
from checkout.screens import Screen

from tests.apps.checkout.conftest import CARD, DECLINED, mock_api, page_state, submit
from tests.conftest import FrozenClock
from tests.factories import CARD_OK, ApiClient, Customer, StoreClient, image_bytes, upload_image

OpenPage = Callable[..., Any]


def names(events: list[Any]) -> list[str]:
    """The names of the events a handler yielded (``None`` for a plain UI update)."""
    out = []
    for event in events:
        if event is None:
            out.append("update")
        elif hasattr(event, "handler"):  # an event to run: reflex's own are "_set_focus", …
            out.append(event.handler.fn.__qualname__.lstrip("_"))
        else:  # a handler of this state
            out.append(event.fn.__name__)
    return out


async def payments_of(store: StoreClient, link_id: str) -> list[dict[str, Any]]:
    response = await store.get(f"/v1/payment-links/{link_id}/payments")
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


class TestLoading:
    async def test_a_fixed_link_shows_its_amount_in_the_store_currency(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(title="Espresso beans", description="1 kg", amount=1450)
        state = await open_page(link["id"])
        assert state.screen == Screen.PAY
        assert (state.merchant_name, state.title, state.description) == (
            "Acme Coffee",
            "Espresso beans",
            "1 kg",
        )
        assert state.amount_label == "£14.50"
        assert state.pay_label == "Pay £14.50"
        assert not state.is_variable
        assert state.gateway == "sandbox"
        assert not state.is_stripe

    async def test_the_links_image_is_shown_from_the_api(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        uploaded = await upload_image(store, image_bytes())
        assert uploaded.status_code == 201, uploaded.text
        link = await store.create_link(image_id=uploaded.json()["id"])
        state = await open_page(link["id"])
        assert state.image_url == link["image_url"]
        assert state.image_url.startswith("http://api.test/v1/images/")

    async def test_amounts_follow_the_customers_locale(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(amount=1450)
        state = await open_page(link["id"], "de-DE,de;q=0.9")
        assert state.amount_label == "14,50\xa0£"

    async def test_a_zero_decimal_currency_has_no_minor_digits(
        self, api: ApiClient, open_page: OpenPage
    ) -> None:
        store = await api.create_store(currency="JPY")
        link = await store.create_link(amount=1500)
        state = await open_page(link["id"], "en-GB")
        assert state.amount_label in {"¥1,500", "JP¥1,500"}

    async def test_a_variable_link_shows_its_bounds(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            amount_type="variable", amount=None, min_amount=500, max_amount=50000
        )
        state = await open_page(link["id"])
        assert state.is_variable
        assert state.amount_hint == "Between £5.00 and £500.00"
        assert state.pay_label == "Pay"
        assert state.symbol == "£"

    async def test_customer_fields_come_with_their_modes(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            customer_fields={"email": "required", "customer_name": "optional"}
        )
        state = await open_page(link["id"])
        assert state.modes == {
            "business_name": "disabled",
            "customer_name": "optional",
            "email": "required",
            "phone": "disabled",
        }
        assert state.has_customer_fields

    async def test_an_unknown_link_is_not_found(self, api: ApiClient, open_page: OpenPage) -> None:
        state = await open_page("plink_" + "0" * 32)
        assert state.screen == Screen.NOT_FOUND

    @pytest.mark.parametrize(
        "path", ["/pay/nope", "/pay/plink_..%2F..%2Fv1%2Fstore", "/pay/", "/pay/plink_ABC"]
    )
    async def test_a_malformed_id_never_reaches_the_api(
        self, path: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise AssertionError(f"called the API: {request.url}")

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(refuse))
        state = page_state(path)
        [event async for event in state.load()]
        assert state.screen == Screen.NOT_FOUND

    async def test_a_deactivated_link_says_it_is_no_longer_active(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link()
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        state = await open_page(link["id"])
        assert state.screen == Screen.INACTIVE
        assert state.status_message == "This payment link is no longer active."

    async def test_an_expired_link_says_it_has_expired(
        self, store: StoreClient, open_page: OpenPage, clock: FrozenClock
    ) -> None:
        expires = (clock.now + timedelta(hours=1)).isoformat()
        link = await store.create_link(expires_at=expires)
        clock.advance(hours=2)
        state = await open_page(link["id"])
        assert state.screen == Screen.EXPIRED
        assert state.status_message == "This payment link has expired."

    async def test_an_unreachable_api_shows_the_error_screen_and_can_retry(
        self, store: StoreClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = await store.create_link()
        real_client = checkout_api.client

        def down(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(down))
        state = page_state(f"/pay/{link['id']}")
        [event async for event in state.load()]
        assert state.screen == Screen.ERROR
        monkeypatch.setattr(checkout_api, "client", real_client)
        await state.reload()
        assert state.screen == Screen.PAY

    async def test_a_server_error_is_the_error_screen_too(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            checkout_api, "client", lambda _ip=None: mock_api(lambda request: httpx.Response(503))
        )
        state = page_state("/pay/plink_" + "1" * 32)
        [event async for event in state.load()]
        assert state.screen == Screen.ERROR


class TestFieldErrors:
    async def test_a_required_field_missing_is_an_inline_error_and_nothing_starts(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(customer_fields={"email": "required"})
        state = await open_page(link["id"])
        events = await submit(state, email="  ", **CARD)
        assert state.errors == {"email": "Enter your email address."}
        assert state.screen == Screen.PAY
        assert not state.processing
        assert names(events) == ["set_focus"]
        assert await payments_of(store, link["id"]) == []

    async def test_optional_fields_may_stay_blank(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(customer_fields={"customer_name": "optional"})
        state = await open_page(link["id"])
        await submit(state, customer_name="", **CARD)
        assert state.screen == Screen.SUCCESS
        [payment] = await payments_of(store, link["id"])
        assert payment["customer"]["customer_name"] is None

    async def test_the_apis_own_checks_come_back_inline(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(customer_fields={"phone": "required"})
        state = await open_page(link["id"])
        await submit(state, phone="12", **CARD)
        assert set(state.errors) == {"phone"}
        assert state.screen == Screen.PAY
        assert not state.processing

    async def test_details_go_to_the_api_cleaned_and_only_when_enabled(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            customer_fields={"customer_name": "required", "email": "optional"}
        )
        state = await open_page(link["id"])
        await submit(
            state, customer_name="  Ann Lee ", email="ann@example.com", phone="ignored", **CARD
        )
        assert state.screen == Screen.SUCCESS
        [payment] = await payments_of(store, link["id"])
        assert payment["customer"] == {
            "business_name": None,
            "customer_name": "Ann Lee",
            "email": "ann@example.com",
            "phone": None,
        }

    async def test_a_variable_amount_out_of_bounds_is_an_inline_error(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            amount_type="variable", amount=None, min_amount=500, max_amount=50000
        )
        state = await open_page(link["id"])
        await submit(state, amount="2", **CARD)
        assert state.errors == {"amount": "Enter an amount between £5.00 and £500.00."}
        await submit(state, amount="500.01", **CARD)
        assert state.errors == {"amount": "Enter an amount between £5.00 and £500.00."}
        assert await payments_of(store, link["id"]) == []

    async def test_a_variable_amount_is_charged_exactly_in_minor_units(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(amount_type="variable", amount=None, min_amount=500)
        state = await open_page(link["id"])
        await submit(state, amount="£1,234.56", **CARD)
        assert state.screen == Screen.SUCCESS
        assert state.paid_amount == "£1,234.56"
        [payment] = await payments_of(store, link["id"])
        assert payment["amount"] == 123456

    async def test_a_card_that_cannot_work_holds_no_place_on_the_link(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(type="one_off")
        state = await open_page(link["id"])
        await submit(state, card_number="4242 4242 4242 4241", expiry="01/20", cvc="1")
        assert set(state.errors) == {"card_number", "expiry", "cvc"}
        assert await payments_of(store, link["id"]) == []


class TestPaying:
    async def test_a_good_card_shows_the_thank_you_page(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(amount=1450)
        state = await open_page(link["id"])
        events = await submit(state, **CARD)
        assert names(events)[0] == "update"  # "Processing…" reaches the browser first
        assert state.screen == Screen.SUCCESS
        assert state.thank_you == "Thank you! Your payment was received."
        assert state.paid_amount == "£14.50"
        [payment] = await payments_of(store, link["id"])
        assert payment["status"] == "succeeded"
        assert state.reference == payment["reference"]
        assert state.payment_id == payment["id"]
        assert not state.processing

    async def test_the_thank_you_page_stays_when_the_page_reconnects(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        """The page's on_load runs again on every reconnect, maybe after the payment."""
        link = await store.create_link(amount=1450)
        state = await open_page(link["id"])
        await submit(state, **CARD)
        [event async for event in state.load()]  # the reconnect
        assert state.screen == Screen.SUCCESS
        assert state.paid_amount == "£14.50"

    async def test_the_merchants_own_thank_you_message(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            after_payment={"type": "thank_you", "message": "See you at the roastery!"}
        )
        state = await open_page(link["id"])
        await submit(state, **CARD)
        assert state.thank_you == "See you at the roastery!"

    async def test_a_declined_card_asks_for_another_then_pays(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link()
        state = await open_page(link["id"])
        events = await submit(state, **DECLINED)
        assert state.screen == Screen.PAY
        assert state.declined
        assert state.notice == "Your card was declined. Try another card."
        assert "set_value" in names(events)  # the card number is cleared
        assert not state.processing
        assert state.pending_payment_id == ""
        await submit(state, **CARD)
        assert state.screen == Screen.SUCCESS
        statuses = sorted(p["status"] for p in await payments_of(store, link["id"]))
        assert statuses == ["failed", "succeeded"]

    async def test_a_redirect_link_sends_the_customer_on_with_the_payment_id(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(
            after_payment={"type": "redirect", "url": "http://localhost:5000/done?x=1"}
        )
        state = await open_page(link["id"])
        events = await submit(state, **CARD)
        assert state.screen == Screen.REDIRECTING
        assert state.redirect_url.startswith("http://localhost:5000/done?x=1&payment_id=pay_")
        assert f"payment_link_id={link['id']}" in state.redirect_url
        assert names(events)[-1] == "redirect"

    async def test_a_second_click_of_the_same_attempt_is_ignored(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link()
        state = await open_page(link["id"])
        stale = {"attempt": str(state.attempt), **CARD}
        await submit(state, **DECLINED)
        events = [event async for event in state.submit(stale)]
        assert events == []
        assert len(await payments_of(store, link["id"])) == 1

    async def test_nothing_is_submitted_while_processing(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link()
        state = await open_page(link["id"])
        state.processing = True
        assert await submit(state, **CARD) == []
        assert await payments_of(store, link["id"]) == []

    async def test_a_link_deactivated_while_the_page_was_open(
        self, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link()
        state = await open_page(link["id"])
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        await submit(state, **CARD)
        assert state.screen == Screen.INACTIVE

    async def test_a_link_that_expired_while_the_page_was_open(
        self, store: StoreClient, open_page: OpenPage, clock: FrozenClock
    ) -> None:
        link = await store.create_link(expires_at=(clock.now + timedelta(minutes=5)).isoformat())
        state = await open_page(link["id"])
        clock.advance(minutes=6)
        await submit(state, **CARD)
        assert state.screen == Screen.EXPIRED


class TestUnavailable:
    async def test_the_last_slot_held_by_another_customer_says_when_to_retry(
        self, api: ApiClient, store: StoreClient, open_page: OpenPage
    ) -> None:
        link = await store.create_link(type="one_off")
        other = Customer(api.client)
        held = await other.start(link["id"])
        assert held.status_code == 201, held.text
        state = await open_page(link["id"])
        events = await submit(state, **CARD)
        assert state.screen == Screen.UNAVAILABLE
        assert state.retry_in > 0
        assert not state.processing
        assert "count_down" in names(events)
        # The other customer's card is declined: the slot is free again.
        declined = await other.confirm(held.json()["id"], {**CARD_OK, "number": "4000000000000002"})
        assert declined.json()["status"] == "failed"
        state.try_again()
        assert state.screen == Screen.PAY
        await submit(state, **CARD)
        assert state.screen == Screen.SUCCESS

    @pytest.mark.parametrize(
        ("seconds", "text"),
        [
            (0, "You can try again now."),
            (1, "You can try again in 1 second."),
            (42, "You can try again in 42 seconds."),
            (898, "You can try again in about 15 minutes."),
        ],
    )
    def test_when_to_retry_reads_at_a_glance(self, seconds: int, text: str) -> None:
        assert retry_text(seconds, i18n.TEXTS) == text

    async def test_retry_after_comes_from_the_header_too(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = {
            "id": "plink_" + "2" * 32,
            "merchant_name": "M",
            "title": "T",
            "currency": "GBP",
            "amount_type": "fixed",
            "amount": 100,
            "status": "active",
            "gateway": "sandbox",
            "customer_fields": {},
        }

        def answer(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                return httpx.Response(200, json=link)
            return httpx.Response(
                409,
                json={"code": "link_unavailable", "detail": "Busy"},
                headers={"Retry-After": "42"},
            )

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(answer))
        state = page_state(f"/pay/{link['id']}")
        [event async for event in state.load()]
        await submit(state, **CARD)
        assert (state.screen, state.retry_in) == (Screen.UNAVAILABLE, 42)


class TestStripe:
    """The Payment Element's answers come back through callbacks (no Stripe.js here)."""

    link = {
        "id": "plink_" + "3" * 32,
        "merchant_name": "M",
        "title": "T",
        "currency": "EUR",
        "amount_type": "fixed",
        "amount": 2000,
        "status": "active",
        "gateway": "stripe",
        "stripe_publishable_key": "pk_test_x",
        "customer_fields": {"email": "optional"},
    }

    @pytest.fixture
    def calls(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
        seen: list[tuple[str, str, Any]] = []

        def answer(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content) if request.content else None
            seen.append((request.method, request.url.path, body))
            if request.method == "GET":
                return httpx.Response(200, json=self.link)
            if request.url.path.endswith("/payments"):
                return httpx.Response(
                    201, json={"id": "pay_1", "status": "pending", "client_secret": "pi_1_secret"}
                )
            return httpx.Response(
                200,
                json={
                    "id": "pay_1",
                    "status": "succeeded",
                    "amount": 2000,
                    "currency": "EUR",
                    "reference": "pi_1",
                    "after_payment": {"type": "thank_you", "message": "Ta"},
                },
            )

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(answer))
        return seen

    async def test_pays_through_the_payment_element(self, calls: list[Any]) -> None:
        state = page_state(f"/pay/{self.link['id']}")
        [event async for event in state.load()]
        assert state.is_stripe
        assert state.stripe_publishable_key == "pk_test_x"
        events = await submit(state, email="ann@example.com")
        assert state.errors == {}
        assert state.processing
        assert names(events)[-1] == "call_script"  # the element checks the card first
        assert [c[0] for c in calls] == ["GET"]  # no payment (no slot held) before that
        events = [e async for e in state.stripe_submitted({"error": None})]
        assert calls[-1][2] == {"customer": {"email": "ann@example.com"}, "locale": "en"}
        assert names(events) == ["call_script"]
        assert "pi_1_secret" in str(events[0])
        events = [e async for e in state.stripe_confirmed({"error": None, "status": "succeeded"})]
        assert calls[-1][1:] == ("/v1/checkout/payments/pay_1/confirm", {})
        assert state.screen == Screen.SUCCESS
        assert state.thank_you == "Ta"

    async def test_incomplete_card_details_stay_on_the_form(self, calls: list[Any]) -> None:
        state = page_state(f"/pay/{self.link['id']}")
        [event async for event in state.load()]
        await submit(state)
        [e async for e in state.stripe_submitted({"error": "Your card number is incomplete."})]
        assert state.errors == {"card_number": "Your card number is incomplete."}
        assert not state.processing
        assert [c[0] for c in calls] == ["GET"]

    async def test_a_decline_keeps_the_payment_for_another_card(self, calls: list[Any]) -> None:
        state = page_state(f"/pay/{self.link['id']}")
        [event async for event in state.load()]
        await submit(state)
        [e async for e in state.stripe_submitted({"error": None})]
        [e async for e in state.stripe_confirmed({"error": "Your card was declined."})]
        assert state.declined
        assert state.notice == "Your card was declined. Try another card."
        assert state.pending_payment_id == "pay_1"
        await submit(state)
        [e async for e in state.stripe_submitted({"error": None})]
        starts = [c for c in calls if c[1].endswith("/payments") and c[0] == "POST"]
        assert len(starts) == 1  # the same PaymentIntent takes the next card


class TestProblems:
    async def test_too_many_requests_asks_to_wait(self, monkeypatch: pytest.MonkeyPatch) -> None:
        link = {**TestStripe.link, "gateway": "sandbox"}

        def answer(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                return httpx.Response(200, json=link)
            return httpx.Response(429, json={"code": "rate_limited", "retry_after": 30})

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(answer))
        state = page_state(f"/pay/{link['id']}")
        [event async for event in state.load()]
        await submit(state, **CARD)
        assert state.screen == Screen.PAY
        assert state.notice == "Too many attempts. Please wait 30 seconds and try again."
        assert not state.processing

    async def test_losing_the_api_while_paying_keeps_the_form(
        self, store: StoreClient, open_page: OpenPage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = await store.create_link()
        state = await open_page(link["id"])

        def down(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("timed out", request=request)

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(down))
        await submit(state, **CARD)
        assert state.screen == Screen.PAY
        assert "couldn't reach the payment service" in state.notice
        assert not state.processing

    async def test_a_started_payment_is_reused_when_the_card_is_fixed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = {**TestStripe.link, "gateway": "sandbox"}
        starts: list[str] = []

        def answer(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                return httpx.Response(200, json=link)
            if request.url.path.endswith("/payments"):
                starts.append("start")
                return httpx.Response(201, json={"id": "pay_9", "status": "pending"})
            return httpx.Response(
                422,
                json={
                    "code": "validation_error",
                    "errors": [{"field": "card.exp_year", "message": "This card has expired."}],
                },
            )

        monkeypatch.setattr(checkout_api, "client", lambda _ip=None: mock_api(answer))
        state = page_state(f"/pay/{link['id']}")
        [event async for event in state.load()]
        await submit(state, **CARD)
        assert state.errors == {"expiry": "Check the expiry date printed on the card."}
        await submit(state, **CARD)
        assert starts == ["start"]
