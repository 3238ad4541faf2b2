"""Sign-up, login, logout and the session gate, through the real API."""

from typing import Any

from dashboard import routes
from dashboard.state.session import SessionState

from tests.apps.dashboard.conftest import api_down, redirected_to, state_of
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
    assert state.token == ""
    assert (state.auth_errors, state.auth_notice) == ({}, "")
    # Signed in by the emailed link: tests/apps/dashboard/test_signup_confirm_state.py.


async def test_login_with_an_activated_store_goes_to_the_links(
    api: ApiClient, store: StoreClient
) -> None:
    state = state_of(SessionState)
    event = await state.login({"email": store.email, "password": PASSWORD})
    assert state.token.startswith("sess_")
    assert state.payments_activated is True
    assert state.test_mode is True
    assert redirected_to(event) == routes.LINKS


async def test_a_reload_with_the_cookie_is_still_signed_in(
    api: ApiClient, store: StoreClient
) -> None:
    first = state_of(SessionState)
    await first.login({"email": store.email, "password": PASSWORD})
    reloaded = state_of(SessionState, first.token)  # a new page view, same cookie
    assert await reloaded.require_session() is None
    assert reloaded.ready
    assert reloaded.store_id == store.store_id


async def test_wrong_password_is_said_and_no_session_is_kept(
    api: ApiClient, store: StoreClient
) -> None:
    state = state_of(SessionState)
    assert await state.login({"email": store.email, "password": "not it"}) is None
    assert state.token == ""
    assert state.auth_notice or state.auth_errors


async def test_missing_fields_are_caught_before_the_api(api: ApiClient) -> None:
    state = state_of(SessionState)
    await state.signup({"store_name": " ", "email": "", "password": "short"})
    assert set(state.auth_errors) == {"store_name", "email", "password"}
    await state.login({"email": "", "password": ""})
    assert set(state.auth_errors) == {"email", "password"}


async def test_api_field_errors_land_next_to_their_fields(api: ApiClient) -> None:
    state = state_of(SessionState)
    await state.signup({**SIGNUP, "email": "not an email"})
    assert "email" in state.auth_errors
    assert state.token == ""


async def test_logout_ends_the_session_at_the_api(api: ApiClient, store: StoreClient) -> None:
    state = state_of(SessionState)
    await state.login({"email": store.email, "password": PASSWORD})
    token = state.token
    event = await state.logout()
    assert state.token == ""
    assert not state.ready
    assert redirected_to(event) == routes.LOGIN
    me = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


async def test_a_dead_session_goes_back_to_login(api: ApiClient) -> None:
    state = state_of(SessionState, "sess_" + "0" * 40)
    event = await state.require_session()
    assert redirected_to(event) == routes.LOGIN
    assert state.token == ""


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
    assert state.token == ""
