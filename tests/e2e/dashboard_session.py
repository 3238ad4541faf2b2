"""Signing in to the dashboard in a browser test: after the login answers, the page swaps
its one-time ticket for the HttpOnly session cookie (a visit to ``/_session``, which sends
it on); a test that navigates before that lands in the middle of the swap."""

import time

from playwright.sync_api import Page

SESSION_COOKIE = "paylinks_session"


def wait_signed_in(page: Page, seconds: float = 30) -> None:
    """Until the browser holds the session cookie and the page it led to has loaded."""
    deadline = time.monotonic() + seconds
    while not any(c["name"] == SESSION_COOKIE for c in page.context.cookies()):
        assert time.monotonic() < deadline, "no session cookie after logging in"
        page.wait_for_timeout(50)
    page.wait_for_load_state("load")
