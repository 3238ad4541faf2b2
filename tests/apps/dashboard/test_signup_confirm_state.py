"""Sign-up in the dashboard through the real API: the form says to check the inbox, and the
page of the emailed link creates the store and signs in (or says why it cannot)."""

from typing import Any
from urllib.parse import quote

import pytest
from dashboard import routes
from dashboard.state.session import SessionState
from dashboard.state.signup_confirm import EXPIRED, USED, SignupConfirmState
from reflex.istate.data import RouterData

from tests.apps.dashboard.conftest import api_down, redirected_to, state_of
from tests.conftest import FrozenClock
from tests.factories import ApiClient, StoreClient, confirmation_tokens, logged_warnings

SIGNUP = {
    "store_name": "Corner Bakery",
    "email": "Baker@Example.com",
    "password": "flour and water",
    "currency": "EUR",
    "country": "IE",
}


async def signed_up(form: dict[str, Any]) -> tuple[SessionState, list[str]]:
    """The sign-up form sent; the tokens of the links the API emailed (to its log here)."""
    state = state_of(SessionState)
    with logged_warnings() as lines:
        assert await state.signup(form) is None
    return state, confirmation_tokens(lines)


def link_page(token: str | None) -> SignupConfirmState:
    """The confirmation page opened from a link with ``token``."""
    state = state_of(SignupConfirmState)
    query = "" if token is None else f"?token={quote(token, safe='')}"
    state.router = RouterData.from_router_data(
        {"asPath": f"{routes.SIGNUP_CONFIRM}{query}", "headers": {"origin": "http://dash.test"}}
    )
    return state


async def test_the_form_says_to_check_the_inbox_then_the_link_signs_in(api: ApiClient) -> None:
    form, [token] = await signed_up(SIGNUP)
    assert form.signup_sent_to == "baker@example.com"
    assert form._token == ""

    page = link_page(token)
    event = await page.confirm()

    assert page.confirm_problem == ""
    assert page._token.startswith("sess_")
    assert (page.store_name, page.currency, page.country) == ("Corner Bakery", "EUR", "IE")
    assert page.user_email == "baker@example.com"
    # A new store activates payments first.
    assert redirected_to(event) == routes.SETTINGS


async def test_an_address_with_a_store_reads_the_same_words(
    api: ApiClient, store: StoreClient
) -> None:
    form, tokens = await signed_up({**SIGNUP, "email": store.email})
    assert form.signup_sent_to == store.email
    assert (form.auth_errors, form.auth_notice, form._token) == ({}, "", "")
    assert tokens == []  # its email says "log in"


async def test_a_used_link_says_to_log_in(api: ApiClient) -> None:
    _, [token] = await signed_up(SIGNUP)
    assert (await link_page(token).confirm()) is not None

    again = link_page(token)
    assert await again.confirm() is None

    assert (again.confirm_problem, again.confirm_used) == (USED, True)
    assert again._token == ""


@pytest.mark.parametrize("broken", [None, "", "not-a-token", "gAAAAAB" + "x" * 80])
async def test_a_broken_link_says_to_sign_up_again(api: ApiClient, broken: str | None) -> None:
    page = link_page(broken)
    assert await page.confirm() is None
    assert (page.confirm_problem, page.confirm_used) == (EXPIRED, False)
    assert page._token == ""


async def test_a_link_older_than_a_day_has_expired(api: ApiClient, clock: FrozenClock) -> None:
    _, [token] = await signed_up(SIGNUP)
    clock.advance(hours=24, seconds=1)

    page = link_page(token)
    assert await page.confirm() is None

    assert page.confirm_problem == EXPIRED


async def test_api_down_is_said_not_crashed(api: ApiClient, monkeypatch: Any) -> None:
    _, [token] = await signed_up(SIGNUP)
    api_down(monkeypatch)

    page = link_page(token)
    assert await page.confirm() is None

    assert "cannot be reached" in page.confirm_problem
