"""Venues: listing a page at a time and adding one, through the real API."""

from typing import Any

import pytest
from dashboard import api as dashboard_api
from dashboard import cursor_pages
from dashboard.state.paging import PAGE_SIZE
from dashboard.state.venues import VenuesState
from dashboard.venue_rows import venue_request

from tests.apps.dashboard.conftest import api_down, run
from tests.factories import ApiClient, StoreClient


async def venues_page(signed_in: Any) -> VenuesState:
    state: VenuesState = await signed_in(VenuesState)
    await state.load()
    return state


async def add(state: VenuesState, **form: str) -> list[Any]:
    state.show_form(True)
    return await run(state.add({"form_key": state.form_key, **form}))


async def test_no_venues_is_an_empty_list_not_an_error(signed_in: Any) -> None:
    state = await venues_page(signed_in)
    assert state.venues == []
    assert state.load_error == ""
    assert state.loading is False
    assert not state.has_more


async def test_a_new_venue_heads_the_list_and_the_api_holds_it(
    signed_in: Any, store: StoreClient
) -> None:
    await store.create_venue("Harbour Kiosk")
    state = await venues_page(signed_in)
    events = await add(state, name="  Market Street ", address="12 Market St, Bristol")
    assert [v.name for v in state.venues] == ["Market Street", "Harbour Kiosk"]
    assert state.venues[0].address == "12 Market St, Bristol"
    assert state.venues[0].created
    assert state.venues[1].address == ""
    assert state.form_open is False
    assert events[-1] is not None  # a toast
    listed = (await store.get("/v1/venues")).json()["data"]
    assert listed[0]["name"] == "Market Street"


async def test_a_venue_without_a_name_is_not_sent(signed_in: Any, store: StoreClient) -> None:
    state = await venues_page(signed_in)
    await add(state, name="   ", address="Somewhere")
    assert state.form_errors == {"name": "Enter the venue's name."}
    assert state.form_open is True  # the form stays, with what was typed
    assert (await store.get("/v1/venues")).json()["data"] == []


async def test_a_double_submit_adds_one_venue(signed_in: Any, store: StoreClient) -> None:
    state = await venues_page(signed_in)
    form = {"form_key": "", "name": "Pier Stall"}
    state.show_form(True)
    form["form_key"] = state.form_key
    await run(state.add(form))
    await run(state.add(form))  # the same submit, queued behind the first
    assert len((await store.get("/v1/venues")).json()["data"]) == 1


async def test_api_field_errors_land_next_to_their_fields(
    signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = await venues_page(signed_in)

    class Refusing(dashboard_api.DashboardApi):
        async def create_venue(self, name: str, address: str | None) -> Any:
            raise dashboard_api.Problem(
                422, "validation_failed", "Invalid", {"address": "At most 300 characters."}
            )

    monkeypatch.setattr(dashboard_api, "client", lambda token="", client_ip=None: Refusing(token))
    await add(state, name="Market", address="x")
    assert state.form_errors == {"address": "At most 300 characters."}
    assert state.form_notice == ""
    assert state.submitting is False


async def test_many_venues_are_paged_with_the_api_cursors(
    signed_in: Any, store: StoreClient
) -> None:
    for number in range(PAGE_SIZE + 5):
        await store.create_venue(f"Venue {number:02d}")
    state = await venues_page(signed_in)
    first_page = [v.id for v in state.venues]
    assert len(first_page) == PAGE_SIZE
    assert state.has_more
    assert not state.has_previous
    assert state.venues[0].name == f"Venue {PAGE_SIZE + 4:02d}"  # newest first
    await run(state.next_page())
    assert len(state.venues) == 5
    assert state.page_number == 2
    assert not state.has_more
    assert state.has_previous
    assert not set(first_page) & {v.id for v in state.venues}
    await run(state.next_page())  # nothing further: stays put
    assert state.page_number == 2
    await run(state.previous_page())
    assert [v.id for v in state.venues] == first_page


async def test_the_api_being_down_is_said_not_crashed(
    signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    state: VenuesState = await signed_in(VenuesState)

    api_down(monkeypatch)
    await state.load()
    assert "cannot be reached" in state.load_error
    assert state.loading is False
    await add(state, name="Market")
    assert "cannot be reached" in state.form_notice


async def test_the_list_of_another_store_is_not_shown(api: ApiClient, signed_in: Any) -> None:
    other = await api.create_store()
    await other.create_venue("Not yours")
    state = await venues_page(signed_in)
    assert state.venues == []


class TestVenueRequest:
    def test_blank_address_is_left_out(self) -> None:
        assert venue_request({"name": " Kiosk ", "address": "  "}) == ("Kiosk", None, {})

    def test_too_long_is_said_per_field(self) -> None:
        _, _, errors = venue_request({"name": "n" * 121, "address": "a" * 301})
        assert set(errors) == {"name", "address"}


class TestCursorPages:
    def test_forward_and_back(self) -> None:
        starts = cursor_pages.forward([], "venue_a")
        assert cursor_pages.cursor(starts) == "venue_a"
        assert cursor_pages.page_number(starts) == 2
        assert cursor_pages.cursor(cursor_pages.back(starts)) is None
