"""``/_session``: the dashboard's own route that swaps a page's one-time ticket for the
HttpOnly session cookie, and deletes it for a logout's ticket."""

from http.cookies import SimpleCookie

import httpx
import pytest
from dashboard.session_cookie import (
    SESSION_COOKIE,
    SIGNED_OUT,
    TICKET_COOKIE,
    Tickets,
    local_path,
    session_routes,
)


def cookies_set(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name (its whole text, attributes and all)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = next(iter(SimpleCookie(header)))
        found[name] = header
    return found


async def swap(
    tickets: Tickets, ticket: str | None, next_path: str, secure: bool = False
) -> httpx.Response:
    app = session_routes(tickets, secure=secure)
    transport = httpx.ASGITransport(app=app)
    cookies = {TICKET_COOKIE: ticket} if ticket is not None else {}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://dash.test", cookies=cookies
    ) as client:
        return await client.get("/_session", params={"next": next_path})


async def test_a_ticket_becomes_the_httponly_session_cookie_once() -> None:
    tickets = Tickets()
    ticket = await tickets.issue("sess_abc")
    response = await swap(tickets, ticket, "/payment-links")
    assert response.status_code == 303
    assert response.headers["location"] == "/payment-links"
    assert response.headers["cache-control"] == "no-store"
    cookies = cookies_set(response)
    session = cookies[SESSION_COOKIE].lower()
    assert session.startswith(f"{SESSION_COOKIE}=sess_abc;")
    assert "httponly" in session
    assert "samesite=strict" in session
    assert "secure" not in session  # served over plain HTTP here
    assert "max-age=0" in cookies[TICKET_COOKIE].lower()  # the ticket is gone
    again = await swap(tickets, ticket, "/")
    assert SESSION_COOKIE not in cookies_set(again)  # used: worth nothing


async def test_over_https_the_cookie_is_secure() -> None:
    tickets = Tickets()
    response = await swap(tickets, await tickets.issue("sess_abc"), "/", secure=True)
    assert "secure" in cookies_set(response)[SESSION_COOKIE].lower()


async def test_the_logout_ticket_deletes_the_session_cookie() -> None:
    response = await swap(Tickets(), SIGNED_OUT, "/login")
    assert response.headers["location"] == "/login"
    deleted = cookies_set(response)[SESSION_COOKIE].lower()
    assert "max-age=0" in deleted
    assert "httponly" in deleted


@pytest.mark.parametrize("ticket", [None, "", "forged"])
async def test_no_or_an_unknown_ticket_changes_no_session(ticket: str | None) -> None:
    response = await swap(Tickets(), ticket, "/")
    assert response.status_code == 303
    assert SESSION_COOKIE not in cookies_set(response)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/payment-links?page=2", "/payment-links?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_it_sends_the_browser_back_only_to_this_site(given: str | None, kept: str) -> None:
    assert local_path(given) == kept
