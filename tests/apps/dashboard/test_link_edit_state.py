"""The link form's other modes through the real API: Edit (filled from the link, locked
fields explained, only the changes sent), Duplicate (a new link filled from another), the
live preview, and where a failed submit takes the merchant."""

from typing import Any

import pytest
from dashboard import routes
from dashboard.link_draft import MetadataRow
from dashboard.state import link_form as link_form_state
from dashboard.state.link_form import NOT_FOUND, LinkFormState
from reflex.istate.data import RouterData

from tests.apps.dashboard.conftest import redirected_to, run
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer, StoreClient


@pytest.fixture(autouse=True)
def now_is_the_api_clock(clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(link_form_state, "utc_now", clock)


async def form_at(signed_in: Any, address: str) -> LinkFormState:
    """The form's state after its ``on_load`` at ``address``."""
    state: LinkFormState = await signed_in(LinkFormState)
    state.router = RouterData.from_router_data(
        {"asPath": address, "headers": {"origin": "http://dash.test"}}
    )
    await run(state.open_page())
    return state


def redirect_of(events: list[Any]) -> str | None:
    return next((path for e in events if (path := redirected_to(e))), None)


def focused(events: list[Any]) -> str:
    """The script of the submit's answer that scrolls to a field and focuses it."""
    for event in events:
        for name, value in getattr(event, "args", ()) or ():
            code = str(getattr(value, "_var_value", ""))
            if str(name) == "javascript_code" and "scrollIntoView" in code:
                return code
    return ""


class TestEdit:
    async def test_the_form_is_filled_from_the_link_and_only_changes_are_sent(
        self, signed_in: Any, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link(
            description="1 kg", metadata={"order": "A-17"}, customer_fields={"email": "required"}
        )
        state = await form_at(signed_in, routes.edit_link(link["id"]))
        assert state.editing == link["id"]
        assert state.opened
        assert state.form_key > 0  # the inputs are drawn again with the link's values
        assert (state.draft.title, state.draft.amount) == ("Espresso beans", "14.50")
        assert state.draft.metadata_rows == [MetadataRow("order", "A-17")]
        assert state.amount_lock == ""
        state.set_text("title", "Espresso beans, 2 kg")
        events = await run(state.submit({"title": "Espresso beans, 2 kg", "amount": "14.50"}))
        assert redirect_of(events) == routes.link(link["id"])
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert after["title"] == "Espresso beans, 2 kg"
        assert (after["description"], after["metadata"]) == ("1 kg", {"order": "A-17"})
        assert after["customer_fields"]["email"] == "required"
        # The customer's checkout shows the new title.
        checkout = await api.client.get(f"/v1/checkout/links/{link['id']}")
        assert checkout.json()["title"] == "Espresso beans, 2 kg"

    async def test_after_a_payment_the_amount_is_locked_and_explained(
        self, signed_in: Any, store: StoreClient, api: ApiClient
    ) -> None:
        link = await store.create_link()
        await Customer(api.client).pay(link["id"])
        state = await form_at(signed_in, routes.edit_link(link["id"]))
        assert "can't change after a payment" in state.amount_lock
        state.set_amount_type("variable")  # the control is disabled; the state holds too
        assert state.draft.amount_type == "fixed"
        # A disabled input is not in the submitted form: the link's amount is kept.
        await run(state.submit({"title": "Beans", "reference": "INV-2"}))
        after = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (after["title"], after["reference"], after["amount"]) == ("Beans", "INV-2", 1450)

    async def test_nothing_changed_goes_back_to_the_link(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        link = await store.create_link()
        state = await form_at(signed_in, routes.edit_link(link["id"]))
        events = await run(state.submit({"title": "Espresso beans", "amount": "14.50"}))
        assert redirect_of(events) == routes.link(link["id"])
        events = await store.get("/v1/events", params={"type": "payment_link.updated"})
        assert events.json()["data"] == []

    async def test_another_stores_link_is_not_editable(
        self, signed_in: Any, api: ApiClient
    ) -> None:
        other = await api.create_store(name="Mallory")
        theirs = await other.create_link()
        state = await form_at(signed_in, routes.edit_link(theirs["id"]))
        assert state.load_error == NOT_FOUND
        assert redirect_of(await run(state.submit({"title": "Mine now"}))) is None
        after = (await other.get(f"/v1/payment-links/{theirs['id']}")).json()
        assert after["title"] == "Espresso beans"


class TestDuplicate:
    async def test_a_new_link_is_made_from_the_copy(
        self, signed_in: Any, store: StoreClient
    ) -> None:
        link = await store.create_link(type="one_off", metadata={"order": "A-17"})
        state = await form_at(signed_in, routes.duplicate_link(link["id"]))
        assert (state.duplicate_of, state.editing) == (link["id"], "")
        assert (state.draft.link_type, state.draft.amount) == ("one_off", "14.50")
        events = await run(state.submit({"title": "Espresso beans (copy)", "amount": "14.50"}))
        copies = (await store.get("/v1/payment-links")).json()["data"]
        assert len(copies) == 2
        copy = next(c for c in copies if c["id"] != link["id"])
        assert redirect_of(events) == routes.link(copy["id"])
        assert (copy["title"], copy["type"], copy["metadata"]) == (
            "Espresso beans (copy)",
            "one_off",
            {"order": "A-17"},
        )


async def test_the_preview_follows_the_fields_as_they_change(signed_in: Any) -> None:
    state = await form_at(signed_in, routes.NEW_LINK)
    assert (state.preview.title, state.preview.button) == ("Your title", "Pay")
    state.set_text("title", "Cake for the office")
    state.set_text("amount", "25")
    state.set_customer_mode("email", "required")
    assert state.preview.title == "Cake for the office"
    assert state.preview.button == "Pay £25.00"
    assert [(f.label, f.required) for f in state.preview.fields] == [("Email", True)]
    state.set_amount_type("variable")
    state.set_text("min_amount", "5")
    assert (state.preview.variable, state.preview.bounds) == (True, "At least £5.00")


async def test_a_failed_submit_goes_to_the_first_wrong_field(
    signed_in: Any, store: StoreClient
) -> None:
    state = await form_at(signed_in, routes.NEW_LINK)
    events = await run(state.submit({"title": "Beans", "amount": "", "max_payments": "0"}))
    assert set(state.errors) == {"amount", "max_payments"}
    assert 'getElementById("amount")' in focused(events)
    state.set_text("amount", "5")  # typing clears that field's error
    assert set(state.errors) == {"max_payments"}
    events = await run(state.submit({"title": "Beans", "amount": "5", "max_payments": "0"}))
    assert 'getElementById("max_payments")' in focused(events)
    assert (await store.get("/v1/payment-links")).json()["data"] == []
