"""Payments > Payment Links: what the list shows for a store, through the real API."""

import json
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dashboard import api as dashboard_api
from dashboard import routes
from dashboard.state import paging
from dashboard.state.links import LinksState
from reflex.istate.data import RouterData

from tests.apps.dashboard.conftest import api_down, redirected_to, run
from tests.conftest import FrozenClock
from tests.factories import Customer, StoreClient


async def opened(signed_in: Any) -> LinksState:
    state: LinksState = await signed_in(LinksState)
    await run(state.open_page())
    return state


def visit(state: LinksState, address: str) -> None:
    """The browser is on ``address`` (a path with its query)."""
    path, _, query = address.partition("?")
    state.router = RouterData.from_router_data(
        {"pathname": path, "asPath": address, "headers": {"origin": "http://dash.test"}}
    )
    assert state.router.url.path == path
    assert state.router.url.query == query


def address_written(events: list[Any]) -> str:
    """The address a handler wrote in the browser's bar (``history.replaceState``)."""
    scripts = [
        str(value._var_value)
        for event in events
        for name, value in getattr(event, "args", ()) or ()
        if str(name) == "javascript_code" and "replaceState" in str(value._var_value)
    ]
    assert len(scripts) == 1, events
    written = re.fullmatch(
        r"window\.history\.replaceState\(window\.history\.state, '', (.+)\)", scripts[0]
    )
    assert written is not None, scripts[0]
    return str(json.loads(written.group(1)))


def titles(state: LinksState) -> list[str]:
    return [row.title for row in state.rows]


async def test_the_table_shows_each_link_newest_first(
    signed_in: Any, store: StoreClient, api: Any
) -> None:
    await store.create_link(title="Beans", amount=1450, reference="INV-1")
    variable = await store.create_link(
        title="Tip jar",
        type="reusable",
        amount_type="variable",
        amount=None,
        min_amount=100,
        max_amount=2000,
    )
    await Customer(api.client).pay(variable["id"], amount=750)

    state = await opened(signed_in)
    assert titles(state) == ["Tip jar", "Beans"]
    tip, beans = state.rows
    assert tip.amount == "£1.00–£20.00"
    assert tip.type == "Reusable"
    assert tip.payments == "1"
    assert tip.collected == "£7.50"
    assert tip.status_label == "Active"
    assert beans.amount == "£14.50"
    assert beans.reference == "INV-1"
    assert beans.collected == "£0.00"
    assert state.loaded
    assert not state.loading
    assert not state.load_error


async def test_times_read_in_the_browsers_time_zone(
    signed_in: Any, store: StoreClient, clock: FrozenClock
) -> None:
    await store.create_link(title="Beans", amount=1450)
    state: LinksState = await signed_in(LinksState)
    state.time_zone = "Asia/Tokyo"
    await run(state.open_page())
    [beans] = state.rows
    assert beans.created == clock.now.astimezone(ZoneInfo("Asia/Tokyo")).strftime(
        "%-d %b %Y, %H:%M JST"
    )


async def test_a_new_store_gets_the_empty_state(signed_in: Any) -> None:
    state = await opened(signed_in)
    assert state.rows == []
    assert state.loaded
    assert not state.filtered  # the "Create your first link" call to action, not "no match"


async def test_a_row_opens_the_link(signed_in: Any) -> None:
    state: LinksState = await signed_in(LinksState)
    assert redirected_to(state.open_link("plink_abc")) == routes.link("plink_abc")


async def test_status_filter_shows_why_a_link_is_inactive(
    signed_in: Any, store: StoreClient, api: Any
) -> None:
    one_off = await store.create_link(title="Invoice 7", type="one_off")
    await store.create_link(title="Still open")
    await Customer(api.client).pay(one_off["id"])

    state = await opened(signed_in)
    await run(state.set_status_filter("inactive"))
    assert titles(state) == ["Invoice 7"]
    assert state.rows[0].status_label == "Completed"
    assert state.filtered

    await run(state.set_status_filter("active"))
    assert "Invoice 7" not in titles(state)
    await run(state.set_status_filter("nonsense"))
    assert state.status_filter == "all"


async def test_expired_filter_is_exact_at_the_moment_of_asking(
    signed_in: Any, store: StoreClient, clock: FrozenClock
) -> None:
    later = (clock.now + timedelta(hours=1)).isoformat()
    await store.create_link(title="Flash sale", expires_at=later)
    await store.create_link(title="Forever")
    state = await opened(signed_in)
    await run(state.set_status_filter("expired"))
    assert titles(state) == []
    assert state.filtered  # "no links match", not the first-link call to action

    clock.advance(hours=2)
    await run(state.retry())
    assert titles(state) == ["Flash sale"]
    assert state.rows[0].status_label == "Expired"


async def test_type_venue_and_search_filters(signed_in: Any, store: StoreClient) -> None:
    venue = await store.create_venue("Harbour kiosk")
    await store.create_venue("Market Street")
    await store.create_link(title="Kiosk coffee", venue_id=venue["id"], reference="K-1")
    await store.create_link(title="Invoice", type="one_off", reference="INV-2001")
    await store.create_link(title="Gift card")

    state = await opened(signed_in)
    assert [v["name"] for v in state.venues] == ["Market Street", "Harbour kiosk"]

    await run(state.set_type_filter("one_off"))
    assert titles(state) == ["Invoice"]
    await run(state.set_type_filter("all"))

    await run(state.set_venue_filter(venue["id"]))
    assert titles(state) == ["Kiosk coffee"]
    await run(state.set_venue_filter("venue_not_ours"))
    assert state.venue_filter == "all"

    await run(state.search("inv-2001"))  # the reference, any case
    assert titles(state) == ["Invoice"]
    await run(state.search("gift"))
    assert titles(state) == ["Gift card"]
    await run(state.search("nothing like it"))
    assert titles(state) == []

    await run(state.clear_filters())
    assert len(state.rows) == 3
    assert not state.filtered


async def test_next_and_previous_pages_follow_the_cursors(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for number in range(1, 6):
        await store.create_link(title=f"Link {number}")

    state = await opened(signed_in)
    assert titles(state) == ["Link 5", "Link 4"]
    assert state.has_more
    assert not state.has_previous
    assert state.page_number == 1
    assert state.rows_shown == "Showing 1–2 of more than 2"

    await run(state.next_page())
    assert titles(state) == ["Link 3", "Link 2"]
    assert state.page_number == 2
    assert state.rows_shown == "Showing 3–4 of more than 4"
    assert state.has_previous

    await run(state.next_page())
    assert titles(state) == ["Link 1"]
    assert not state.has_more
    assert state.rows_shown == "Showing 5 of 5"
    await run(state.next_page())  # nothing further: stays
    assert titles(state) == ["Link 1"]
    assert state.page_number == 3

    await run(state.previous_page())
    assert titles(state) == ["Link 3", "Link 2"]
    await run(state.previous_page())
    assert titles(state) == ["Link 5", "Link 4"]
    assert not state.has_previous
    await run(state.previous_page())
    assert state.page_number == 1


async def test_a_filter_starts_again_from_the_first_page(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for number in range(1, 4):
        await store.create_link(title=f"Link {number}", type="reusable")
    state = await opened(signed_in)
    await run(state.next_page())
    await run(state.set_type_filter("reusable"))
    assert state.page_number == 1
    assert titles(state) == ["Link 3", "Link 2"]


async def test_the_api_down_is_said_and_can_be_retried(
    signed_in: Any, store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.create_link(title="Beans")
    state: LinksState = await signed_in(LinksState)
    working = dashboard_api.client

    api_down(monkeypatch)
    await run(state.open_page())
    assert "cannot be reached" in state.load_error
    assert state.venues == []

    monkeypatch.setattr(dashboard_api, "client", working)
    await run(state.retry())
    assert state.load_error == ""
    assert titles(state) == ["Beans"]


async def test_a_long_search_is_cut_to_what_the_api_accepts(signed_in: Any) -> None:
    state = await opened(signed_in)
    state.query = "x" * 200  # longer than the API accepts: cut to 120 by search()
    await run(state.search(state.query))
    assert state.load_error == ""
    assert len(state.query) == 120


async def test_an_inactive_store_does_not_ask_for_links(api: Any) -> None:
    from tests.apps.dashboard.conftest import session_token, state_of

    store = await api.create_store(activate=False)
    state = state_of(LinksState, await session_token(api, store))
    assert redirected_to(await state.require_payments()) == routes.SETTINGS
    await run(state.open_page())
    assert state.rows == []
    assert not state.loaded


async def test_another_store_signing_in_never_sees_the_last_ones_rows(
    signed_in: Any, store: StoreClient, api: Any
) -> None:
    from tests.apps.dashboard.conftest import connected, session_token

    await store.create_link(title="Secret pricing")
    state = await opened(signed_in)
    await run(state.set_type_filter("reusable"))
    assert titles(state) == ["Secret pricing"]

    other = await api.create_store(name="Other shop")
    connected(state, await session_token(api, other))  # same browser tab, another account
    await state.require_session()
    updates = state.open_page()
    await anext(updates)  # the first update the page shows, before the list arrives
    assert state.rows == []
    assert state.type_filter == "all"
    await run(updates)
    assert titles(state) == []


async def test_the_filters_live_in_the_address(signed_in: Any, store: StoreClient) -> None:
    venue = await store.create_venue("Harbour kiosk")
    await store.create_link(title="Kiosk coffee", venue_id=venue["id"], type="reusable")
    await store.create_link(title="Invoice", type="one_off")
    await store.create_link(title="Kiosk tea", type="one_off", venue_id=venue["id"])

    # Opening a bookmarked (or shared, or reloaded) address shows what it says.
    state: LinksState = await signed_in(LinksState)
    visit(state, f"{routes.LINKS}?type=one_off&venue={venue['id']}&q=kiosk")
    await run(state.open_page())
    assert titles(state) == ["Kiosk tea"]
    assert (state.type_filter, state.venue_filter, state.query) == ("one_off", venue["id"], "kiosk")
    assert state.filtered

    # Each change writes the address in place, with only what narrows the list.
    assert address_written(await run(state.set_type_filter("reusable"))) == (
        f"{routes.LINKS}?type=reusable&venue={venue['id']}&q=kiosk"
    )
    assert titles(state) == ["Kiosk coffee"]
    assert address_written(await run(state.clear_filters())) == routes.LINKS
    assert len(state.rows) == 3

    # Back from a link to the filtered list: the address's filters, not the last ones.
    visit(state, f"{routes.LINKS}?status=active&type=one_off")
    await run(state.open_page())
    assert titles(state) == ["Kiosk tea", "Invoice"]
    # A forged or stale address reads as "all" where it makes no sense.
    visit(state, f"{routes.LINKS}?status=sideways&type=one_off&venue=venue_not_ours")
    await run(state.open_page())
    assert (state.status_filter, state.venue_filter) == ("all", "all")
    assert titles(state) == ["Kiosk tea", "Invoice"]
