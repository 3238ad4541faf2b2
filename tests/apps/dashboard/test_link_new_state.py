"""Create link: what the merchant sees after submitting, and what the API then holds."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from dashboard import api as dashboard_api
from dashboard import routes
from dashboard.link_form import LinkRequest
from dashboard.state import link_form as link_form_state
from dashboard.state.link_form import CHECK_FIELDS, LinkFormState
from dashboard.venue_rows import VenueRow

from tests.apps.dashboard.conftest import API_BASE, api_down, redirected_to, run, upload
from tests.conftest import FrozenClock
from tests.factories import StoreClient, image_bytes

FORM = {"title": "Espresso beans", "amount": "14.50"}


def redirect_of(events: list[Any]) -> str | None:
    return next((path for e in events if (path := redirected_to(e))), None)


@pytest.fixture(autouse=True)
def now_is_the_api_clock(clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form judges "in the future" by the same clock as the API."""
    monkeypatch.setattr(link_form_state, "utc_now", clock)


async def opened(signed_in: Any) -> LinkFormState:
    state: LinkFormState = await signed_in(LinkFormState)
    await run(state.open_page())
    return state


async def links_of(store: StoreClient) -> list[dict[str, Any]]:
    response = await store.get("/v1/payment-links")
    return list(response.json()["data"])


async def test_a_fixed_link_is_created_and_opened(signed_in: Any, store: StoreClient) -> None:
    state = await opened(signed_in)
    events = await run(state.submit({**FORM, "reference": "INV-9", "description": " 1 kg "}))
    [link] = await links_of(store)
    assert redirect_of(events) == routes.link(link["id"])
    assert link["title"] == "Espresso beans"
    assert link["amount"] == 1450
    assert link["currency"] == "GBP"
    assert link["type"] == "reusable"
    assert link["amount_type"] == "fixed"
    assert link["reference"] == "INV-9"
    assert link["description"] == "1 kg"
    assert state.errors == {}
    assert state.notice == ""
    assert not state.busy


async def test_every_choice_reaches_the_api(
    signed_in: Any, store: StoreClient, clock: FrozenClock
) -> None:
    venue = await store.create_venue("Harbour kiosk")
    state = await opened(signed_in)
    assert state.venues == [VenueRow(id=venue["id"], name="Harbour kiosk")]
    state.set_link_type("reusable")
    state.set_amount_type(["variable"])
    state.set_customer_mode("email", "required")
    state.set_customer_mode("phone", "optional")
    state.set_customer_mode("nonsense", "required")  # ignored
    state.set_after_type("redirect")
    state.set_venue(venue["id"])
    state.add_metadata_row()
    state.set_metadata_key(0, "order")
    state.set_metadata_value(0, "A-17")
    state.add_metadata_row()  # left blank: skipped
    day = (clock.now.date().replace(year=clock.now.year + 1)).isoformat()
    events = await run(
        state.submit(
            {
                "title": "Tips",
                "min_amount": "2",
                "max_amount": "50.5",
                "max_payments": "100",
                "expires_date": day,
                "expires_time": "18:30",
                "redirect_url": "https://shop.example/thanks",
            }
        )
    )
    [link] = await links_of(store)
    assert redirect_of(events) == routes.link(link["id"])
    assert link["amount_type"] == "variable"
    assert link["amount"] is None
    assert (link["min_amount"], link["max_amount"]) == (200, 5050)
    assert link["max_payments"] == 100
    assert link["expires_at"].startswith(f"{day}T18:30:00")
    assert link["customer_fields"] == {
        "business_name": "disabled",
        "customer_name": "disabled",
        "email": "required",
        "phone": "optional",
    }
    assert link["after_payment"] == {"type": "redirect", "url": "https://shop.example/thanks"}
    assert link["venue_id"] == venue["id"]
    assert link["metadata"] == {"order": "A-17"}


async def test_the_expiry_is_entered_in_the_browsers_time_zone(
    signed_in: Any, store: StoreClient, clock: FrozenClock
) -> None:
    state = await opened(signed_in)
    state.time_zone = "Asia/Tokyo"  # the cookie the page's head script sets
    assert state.zone_name == "Asia/Tokyo"
    assert state.now_local.endswith(" JST")
    day = clock.now.date().replace(year=clock.now.year + 1)
    await run(state.submit({**FORM, "expires_date": day.isoformat(), "expires_time": "08:00"}))
    [link] = await links_of(store)
    # 08:00 in Tokyo (UTC+9) is 23:00 UTC the day before.
    assert link["expires_at"].startswith(f"{day - timedelta(days=1)}T23:00:00")


async def test_obvious_mistakes_are_caught_before_the_api(
    signed_in: Any, store: StoreClient
) -> None:
    state = await opened(signed_in)
    state.set_amount_type("variable")
    await run(state.submit({"title": " ", "min_amount": "50", "max_amount": "5"}))
    assert set(state.errors) == {"title", "min_amount"}
    assert state.notice == CHECK_FIELDS
    assert await links_of(store) == []

    state.set_amount_type("fixed")  # clears the amount errors, keeps the rest
    assert set(state.errors) == {"title"}
    await run(state.submit({"title": "Beans", "amount": "twelve"}))
    assert "not a plain decimal" in state.errors["amount"]
    assert await links_of(store) == []


async def test_the_apis_field_errors_land_next_to_their_fields(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = await opened(signed_in)
    # What the form cannot know: a venue that is not the store's (a stale page).
    state.venues = [VenueRow(id="venue_" + "0" * 32, name="Gone")]
    state.set_venue("venue_" + "0" * 32)
    state.draft = replace(state.draft, image_id="img_" + "0" * 32)
    await run(state.submit(FORM))
    assert state.errors["venue_id"] == "No such venue in this store."
    assert "No such image" in state.errors["image"]
    assert state.notice == CHECK_FIELDS
    assert await links_of(store) == []

    # The API's names for nested fields (after_payment.url, customer_fields.email) are the
    # form's names too: a body the form's own checks would not have let through.
    state.draft = replace(state.draft, venue_id="none", image_id="")
    unchecked(monkeypatch, {"after_payment": {"type": "redirect", "url": "ftp://nope"}})
    await run(state.submit({"title": "x"}))
    assert set(state.errors) == {"after_payment.url"}
    unchecked(monkeypatch, {"customer_fields": {"email": "sometimes"}})
    await run(state.submit({"title": "x"}))
    assert set(state.errors) == {"customer_fields.email"}
    assert not state.busy
    assert await links_of(store) == []


def unchecked(monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any]) -> None:
    """From now on the form sends a link with ``fields``, unchecked."""
    body = {"title": "x", "amount": 100, **fields}
    monkeypatch.setattr(
        link_form_state.link_form, "build_link", lambda *_: LinkRequest(body=dict(body))
    )


async def test_a_double_submit_creates_one_link(signed_in: Any, store: StoreClient) -> None:
    state = await opened(signed_in)
    first = await run(state.submit(FORM))
    again = await run(state.submit(FORM))  # the second click, queued behind the first
    [link] = await links_of(store)
    assert redirect_of(first) == redirect_of(again) == routes.link(link["id"])


async def test_a_retry_after_a_lost_answer_replays_the_same_link(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API created the link but its answer never arrived: the same key replays it."""
    state = await opened(signed_in)
    real = dashboard_api.DashboardApi.create_link

    async def lost_answer(self: Any, body: Any, idempotency_key: str = "") -> Any:
        await real(self, body, idempotency_key)
        raise dashboard_api.Unreachable("answer lost")

    monkeypatch.setattr(dashboard_api.DashboardApi, "create_link", lost_answer)
    await run(state.submit(FORM))
    assert "cannot be reached" in state.notice
    monkeypatch.setattr(dashboard_api.DashboardApi, "create_link", real)
    events = await run(state.submit(FORM))
    [link] = await links_of(store)
    assert redirect_of(events) == routes.link(link["id"])


async def test_a_changed_form_after_an_error_gets_a_new_key(
    signed_in: Any, store: StoreClient
) -> None:
    state = await opened(signed_in)
    state.draft = replace(state.draft, image_id="img_" + "0" * 32)
    await run(state.submit(FORM))  # refused by the API (422, remembered under its key)
    assert "image" in state.errors
    state.remove_image()
    events = await run(state.submit(FORM))
    [link] = await links_of(store)
    assert redirect_of(events) == routes.link(link["id"])


async def test_the_api_down_keeps_the_form(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = await opened(signed_in)

    api_down(monkeypatch)
    events = await run(state.submit(FORM))
    assert redirect_of(events) is None
    assert "cannot be reached" in state.notice
    assert not state.busy


async def test_a_deactivated_gateway_is_said(signed_in: Any, monkeypatch: Any) -> None:
    state = await opened(signed_in)

    async def not_activated(self: Any, body: Any, idempotency_key: str = "") -> Any:
        raise dashboard_api.Problem(409, "payments_not_activated", "Activate payments first.")

    monkeypatch.setattr(dashboard_api.DashboardApi, "create_link", not_activated)
    await run(state.submit(FORM))
    assert "Activate payments" in state.notice


class TestImage:
    async def test_an_upload_is_previewed_and_sent_with_the_link(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        state = await opened(signed_in)
        await run(state.upload_image([upload(image_bytes("PNG"))]))
        assert state.draft.image_id.startswith("img_")
        assert state.draft.image_url == f"{API_BASE}/v1/images/{state.draft.image_id}"
        assert state.preview.image_url == state.draft.image_url
        assert "image" not in state.errors
        assert not state.uploading
        await run(state.submit(FORM))
        [link] = await links_of(store)
        assert link["image_id"] == state.draft.image_id

    async def test_removing_the_image_sends_none(self, signed_in: Any, store: StoreClient) -> None:
        state = await opened(signed_in)
        await run(state.upload_image([upload(image_bytes("JPEG"), "b.jpg", "image/jpeg")]))
        state.remove_image()
        assert state.draft.image_id == ""
        assert state.draft.image_url == ""
        await run(state.submit(FORM))
        [link] = await links_of(store)
        assert link["image_id"] is None

    async def test_too_big_is_refused_without_uploading(self, signed_in: Any) -> None:
        state = await opened(signed_in)
        await run(state.upload_image([upload(b"\x89PNG" + b"0" * (5 * 1024 * 1024))]))
        assert state.errors["image"] == "Images are at most 5 MB."
        assert state.draft.image_id == ""

    async def test_not_an_image_is_said_by_the_api(self, signed_in: Any) -> None:
        state = await opened(signed_in)
        await run(state.upload_image([upload(b"%PDF-1.4 not an image", "fake.png")]))
        assert "not a readable PNG, JPEG or WebP" in state.errors["image"]
        assert state.draft.image_id == ""
        await run(state.upload_image([upload(b"%PDF-1.4", "doc.pdf", "application/pdf")]))
        assert state.errors["image"] == "Upload a PNG, JPEG or WebP image."

    async def test_the_pickers_refusal_is_shown_by_the_field(self, signed_in: Any) -> None:
        state = await opened(signed_in)
        state.image_rejected([{"file": {"path": "a.gif"}, "errors": [{"code": "file-too-large"}]}])
        assert state.errors["image"] == "Images are at most 5 MB."


async def test_opening_the_page_again_starts_a_blank_form(signed_in: Any) -> None:
    state = await opened(signed_in)
    state.set_amount_type("variable")
    state.add_metadata_row()
    state.errors = {"title": "Enter a title."}
    state.draft = replace(state.draft, image_id="img_1")
    await run(state.open_page())
    assert state.draft.amount_type == "fixed"
    assert state.draft.metadata_rows == []
    assert state.errors == {}
    assert state.draft.image_id == ""


async def test_amount_inputs_speak_the_store_currency(api: Any) -> None:
    from tests.apps.dashboard.conftest import session_token, state_of

    store = await api.create_store(currency="JPY")
    state = state_of(LinkFormState, await session_token(api, store))
    await state.require_session()
    assert state.currency_symbol == "JP¥"
    assert state.amount_placeholder == "25"
    await run(state.submit({"title": "Matcha", "amount": "1500"}))
    response = await store.get("/v1/payment-links")
    [link] = response.json()["data"]
    assert (link["amount"], link["currency"]) == (1500, "JPY")
