"""Sign-up, login, logout and the session gate, through the real API; the session held
where no script of the page reaches it (the HttpOnly cookie of ``session_cookie``)."""

from typing import Any

from dashboard import routes
from dashboard.session_cookie import SIGNED_OUT, TICKETS
from dashboard.state.session import SessionState

from tests.apps.dashboard.conftest import (
    api_down,
    connected,
    everything_held,
    redirected_to,
    state_of,
)
from tests.factories import PASSWORD, ApiClient, StoreClient

SIGNUP = {
    "store_name": "Corner Bakery",
    "email": "baker@example.com",
    "password": "flour and water",
    "currency": "EUR",
}


async def test_signup_says_where_the_link_went_and_signs_nobody_in(api: ApiClient) -> None:
    state = state_of(SessionState)
    event = await state.signup(SIGNUP)
    assert event is None
    assert state.signup_sent_to == "baker@example.com"
    assert state._token == ""
    assert (state.auth_errors, state.auth_notice) == ({}, "")
    # Signed in by the emailed link: tests/apps/dashboard/test_signup_confirm_state.py.


async def test_login_with_an_activated_store_goes_to_the_links(
    api: ApiClient, store: StoreClient
) -> None:
    state = state_of(SessionState)
    event = await state.login({"email": store.email, "password": PASSWORD})
    assert state._token.startswith("sess_")
    assert state.payments_activated is True
    assert state.test_mode is True
    assert redirected_to(event) == routes.LINKS


async def test_a_reload_with_the_cookie_is_still_signed_in(
    api: ApiClient, store: StoreClient
) -> None:
    first = state_of(SessionState)
    await first.login({"email": store.email, "password": PASSWORD})
    reloaded = state_of(SessionState, first._token)  # a new page view, same cookie
    assert await reloaded.require_session() is None
    assert reloaded.ready
    assert reloaded.store_id == store.store_id


async def test_wrong_password_is_said_and_no_session_is_kept(
    api: ApiClient, store: StoreClient
) -> None:
    state = state_of(SessionState)
    assert await state.login({"email": store.email, "password": "not it"}) is None
    assert state._token == ""
    assert state.auth_notice or state.auth_errors


async def test_missing_fields_are_caught_before_the_api(api: ApiClient) -> None:
    state = state_of(SessionState)
    await state.signup({"store_name": " ", "email": "", "password": "short"})
    assert set(state.auth_errors) == {"store_name", "email", "password"}
    await state.login({"email": "", "password": ""})
    assert set(state.auth_errors) == {"email", "password"}


async def test_an_error_goes_once_its_field_is_edited(api: ApiClient) -> None:
    state = state_of(SessionState)
    await state.signup({"store_name": "", "email": "", "password": ""})
    assert set(state.auth_errors) == {"store_name", "email", "password"}
    state.field_edited("store_name", "Corner Bakery")
    assert set(state.auth_errors) == {"email", "password"}
    state.field_edited("store_name", "Corner Bakery Ltd")  # no error left there: nothing
    state.field_edited("email", "baker@example.com")
    assert set(state.auth_errors) == {"password"}


async def test_api_field_errors_land_next_to_their_fields(api: ApiClient) -> None:
    state = state_of(SessionState)
    await state.signup({**SIGNUP, "email": "not an email"})
    assert "email" in state.auth_errors
    assert state._token == ""


async def test_logout_ends_the_session_at_the_api(api: ApiClient, store: StoreClient) -> None:
    state = state_of(SessionState)
    await state.login({"email": store.email, "password": PASSWORD})
    token = state._token
    event = await state.logout()
    assert state._token == ""
    assert not state.ready
    assert redirected_to(event) == routes.LOGIN
    me = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


async def test_a_dead_session_goes_back_to_login(api: ApiClient) -> None:
    state = state_of(SessionState, "sess_" + "0" * 40)
    event = await state.require_session()
    assert redirected_to(event) == routes.LOGIN
    assert state._token == ""


async def test_no_session_goes_to_login_without_calling_the_api(api: ApiClient) -> None:
    state = state_of(SessionState)
    assert redirected_to(await state.require_session()) == routes.LOGIN
    assert redirected_to(await state.open_home()) == routes.LOGIN


async def test_payment_pages_wait_for_activation(api: ApiClient) -> None:
    store = await api.create_store(activate=False)
    state = state_of(SessionState)
    await state.login({"email": store.email, "password": PASSWORD})
    assert redirected_to(await state.require_payments()) == routes.SETTINGS


async def test_api_down_is_said_not_crashed(api: ApiClient, monkeypatch: Any) -> None:
    api_down(monkeypatch)
    state = state_of(SessionState)
    await state.login({"email": "a@example.com", "password": "whatever1"})
    assert "cannot be reached" in state.auth_notice
    assert state._token == ""


class TestHttpOnlyCookie:
    async def test_a_login_gives_the_page_a_ticket_for_the_session_not_the_session(
        self, api: ApiClient, store: StoreClient
    ) -> None:
        state = state_of(SessionState)
        await state.login({"email": store.email, "password": PASSWORD})
        token = state._token
        assert state.ticket
        assert state.ticket != token
        assert token not in everything_held(state)  # nothing the page gets holds it
        assert await TICKETS.redeem(state.ticket) == token
        assert await TICKETS.redeem(state.ticket) is None  # once

    async def test_pages_of_the_same_connection_keep_the_login_until_the_swap(
        self, api: ApiClient, store: StoreClient
    ) -> None:
        state = state_of(SessionState)
        await state.login({"email": store.email, "password": PASSWORD})
        token = state._token
        assert await state.require_session() is None  # its cookie not there yet
        connected(state, token)  # reloaded after the swap: the cookie came
        assert await state.require_session() is None
        assert state._token == token
        connected(state)  # a page without the cookie is signed out, whatever came before
        assert redirected_to(await state.require_session()) == routes.LOGIN
        assert state._token == ""

    async def test_a_logout_gives_the_ticket_that_deletes_the_cookie(
        self, api: ApiClient, store: StoreClient
    ) -> None:
        state = state_of(SessionState)
        await state.login({"email": store.email, "password": PASSWORD})
        connected(state, state._token)
        await state.require_session()
        await state.logout()
        assert state.ticket == SIGNED_OUT
        # The same connection (its handshake still had the cookie) stays signed out.
        assert redirected_to(await state.require_session()) == routes.LOGIN
