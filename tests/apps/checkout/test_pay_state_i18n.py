"""The pay page in the customer's language, with the URL's prefill and client reference,
and the store's branding."""

from typing import Any

from checkout.state.pay import PayState

from tests.apps.checkout.conftest import CARD, page_state, submit
from tests.factories import ApiClient, StoreClient


async def opened(path: str, accept_language: str = "en-GB,en;q=0.9") -> tuple[PayState, list[Any]]:
    state = page_state(path, accept_language)
    events = [event async for event in state.load()]
    return state, events


def scripts(events: list[Any]) -> str:
    return " ".join(str(event) for event in events)


class TestLanguage:
    async def test_a_german_browser_gets_german(self, store: StoreClient) -> None:
        link = await store.create_link(amount=1450)
        state, events = await opened(f"/pay/{link['id']}", "de-DE,de;q=0.9,en;q=0.5")
        assert (state.lang, state.locale) == ("de", "de")
        assert state.pay_label == "14,50\u00a0£ bezahlen"
        assert state.t["amount"] == "Betrag"
        assert "document.documentElement.lang" in scripts(events)

    async def test_form_errors_are_in_the_pages_language(self, store: StoreClient) -> None:
        link = await store.create_link(amount_type="variable", amount=None, min_amount=500)
        state, _ = await opened(f"/pay/{link['id']}", "de")
        await submit(state, amount="2", card_number="", expiry="12 / 30", cvc="123")
        assert state.errors == {
            "amount": "Geben Sie mindestens 5,00\u00a0£ ein.",
            "card_number": "Geben Sie Ihre Kartennummer ein.",
        }

    async def test_the_url_locale_comes_first(self, store: StoreClient) -> None:
        link = await store.create_link(amount=1450)
        state, _ = await opened(f"/pay/{link['id']}?locale=fr", "de-DE")
        assert state.lang == "fr"
        assert state.pay_label == "Payer 14,50\u00a0£GB"  # CLDR's French for the pound

    async def test_then_the_stores_country(self, api: ApiClient) -> None:
        store = await api.create_store(currency="CHF", country="CH")
        link = await store.create_link(amount_type="variable", amount=None)
        state, _ = await opened(f"/pay/{link['id']}", "ja")
        assert (state.lang, state.locale) == ("de", "de_CH")
        assert state.placeholder == "0.00"
        assert state.symbol == "CHF"


class TestUrlParameters:
    async def test_prefills_the_form(self, store: StoreClient) -> None:
        link = await store.create_link(customer_fields={"email": "required"})
        state, _ = await opened(f"/pay/{link['id']}?prefilled_email=ann%40example.com")
        assert state.prefill == {"email": "ann@example.com"}

    async def test_the_client_reference_reaches_the_payment(self, store: StoreClient) -> None:
        link = await store.create_link()
        state, _ = await opened(f"/pay/{link['id']}?client_reference_id=order-42")
        await submit(state, **CARD)
        payments = (await store.get(f"/v1/payment-links/{link['id']}/payments")).json()["data"]
        assert [p["client_reference_id"] for p in payments] == ["order-42"]

    async def test_a_bad_client_reference_is_refused_with_a_clear_message(
        self, store: StoreClient
    ) -> None:
        link = await store.create_link()
        state, _ = await opened(f"/pay/{link['id']}?client_reference_id=a%20b")
        assert "reference that is not valid" in state.notice
        await submit(state, **CARD)
        payments = (await store.get(f"/v1/payment-links/{link['id']}/payments")).json()["data"]
        assert payments == []


class TestBranding:
    async def test_the_brand_colour_and_its_text_colour(self, store: StoreClient) -> None:
        await store.patch("/v1/store", json={"brand_color": "#FFD400"})
        link = await store.create_link()
        state, _ = await opened(f"/pay/{link['id']}")
        assert state.brand_style == {
            "--accent": "#ffd400",
            "--accent-dark": "#ffd400",
            "--on-accent": "#000000",
        }

    async def test_no_brand_keeps_the_default_look(self, store: StoreClient) -> None:
        link = await store.create_link()
        state, _ = await opened(f"/pay/{link['id']}")
        assert state.brand_style == {}
