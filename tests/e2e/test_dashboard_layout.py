"""Every dashboard page and dialog at a phone's width (390 px) and a desktop's (1280 px), in
headless Chromium against ``paylinks up`` (the journey's system): no page scrolls sideways,
the navigation opens from a menu button by keyboard on a phone, a payment's status, amount
and Refund stay in view, and axe-core finds no critical or serious violation anywhere.
Screenshots go to tests/e2e/screenshots/layout-{phone,desktop}-*.png."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e import test_checkout_world_browser as world
from tests.e2e import test_dashboard_journey as journey
from tests.e2e.axe_core import load_axe
from tests.e2e.checkout_servers import Merchant
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.dashboard_session import wait_signed_in
from tests.e2e.test_checkout_browser import SCREENSHOTS
from tests.e2e.test_dashboard_journey import WAIT_MS, System
from tests.factories import CARD_OK
from tests.fakes.receiver import Receiver

# The journey's fixtures: ``paylinks up`` on a clean data directory, Chromium, a receiver.
system = journey.system
browser = journey.browser
receiver = journey.receiver
# The checkout's: axe-core (skipped without npm, except in CI).
axe_js = world.axe_js

SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
#: axe-core's impacts that fail the test.
BLOCKING = {"critical", "serious"}
#: A title with one long unbroken word, which must wrap rather than widen the page.
LONG_TITLE = "Supercalifragilisticexpialidocious-celebration-cake-with-extra-sprinkles"


@dataclass
class Store:
    """A store made through the API, as a merchant's integration would make it."""

    merchant: Merchant
    links: dict[str, str] = field(default_factory=dict)


def _pay(api_url: str, link_id: str, **body: Any) -> None:
    with httpx.Client(base_url=api_url, timeout=20) as customer:
        started = customer.post(f"/v1/checkout/links/{link_id}/payments", json=body)
        assert started.status_code == 201, started.text
        confirmed = customer.post(
            f"/v1/checkout/payments/{started.json()['id']}/confirm", json={"card": CARD_OK}
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["status"] == "succeeded", confirmed.text


@pytest.fixture(scope="module")
def full_store(system: System, receiver: Receiver) -> Store:
    """Links (one paid, one with a long word in its title, one deactivated), a venue and a
    webhook endpoint, so that every table has rows."""
    merchant = Merchant(system.api_url, system.up.log_path, name="Corner Bakery")
    http = merchant.http
    venue = http.post("/v1/venues", json={"name": "Market Street", "address": "12 Market St"})
    assert venue.status_code == 201, venue.text
    endpoint = http.post("/v1/webhook-endpoints", json={"url": receiver.url})
    assert endpoint.status_code == 201, endpoint.text
    store = Store(merchant)
    store.links["paid"] = merchant.link(
        title="Cake for the office",
        amount=2500,
        venue_id=venue.json()["id"],
        customer_fields={"email": "required"},
    )["id"]
    _pay(
        system.api_url,
        store.links["paid"],
        customer={"email": "ada.lovelace.the.first.programmer@example.com"},
    )
    store.links["long"] = merchant.link(title=LONG_TITLE, reference="ORDER-" + "7" * 40)["id"]
    gone = merchant.link(title="Last season's hamper")
    merchant.deactivate(gone["id"])
    return store


@pytest.fixture(scope="module")
def empty_store(system: System) -> Store:
    """A store with payments activated and nothing else: the empty states."""
    return Store(Merchant(system.api_url, system.up.log_path, name="New Shop"))


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Survey:
    """Visits screens and records, for each, what is wrong with it: sideways scroll and
    axe-core's critical and serious violations; reports them all at the end."""

    def __init__(self, page: Page, axe_js: Path, size: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page, self.axe_js, self.size = page, axe_js, size
        self.problems: list[str] = []
        self.seen: list[str] = []

    def check(self, name: str) -> None:
        """The screen as it is now: a screenshot, its width, its accessibility."""
        page = self.page
        page.wait_for_timeout(300)  # transitions of dialogs and menus end
        self.seen.append(name)
        page.screenshot(path=str(SCREENSHOTS / f"layout-{self.size}-{name}.png"), full_page=True)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .slice(-3).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
            )
            self.problems.append(
                f"{name}: the page is {widths[0]} px wide in {widths[1]} px; widest: {wide}"
            )
        load_axe(page, self.axe_js)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.map(n => n.target.join(' ') + ' — '
                                 + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
                                 .slice(0, 4)}))"""
        )
        for violation in violations:
            if violation["impact"] in BLOCKING:
                nodes = "\n      ".join(violation["nodes"])
                self.problems.append(
                    f"{name}: {violation['impact']} {violation['id']} ({violation['help']})"
                    f"\n      {nodes}"
                )

    def assert_clean(self) -> None:
        report = "\n".join(self.problems)
        assert not self.problems, f"at {self.size} ({len(self.seen)} screens):\n{report}"


@pytest.fixture
def surveyed(
    browser: Browser,
    system: System,
    axe_js: Path,
    size: str,
    request: pytest.FixtureRequest,
) -> Iterator[Survey]:
    request.node.stash[PROCESS_OUTPUT] = lambda: system.up.output()[-6000:]
    context = browser.new_context(viewport=SIZES[size], locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    survey = Survey(page, axe_js, size)
    try:
        yield survey
    except BaseException:
        survey.check("FAILED-here")
        raise
    finally:
        context.close()


def log_in(page: Page, system: System, store: Store) -> None:
    page.goto(f"{system.dashboard_url}/login")
    page.get_by_label("Email").fill(store.merchant.email)
    page.get_by_label("Password").fill(store.merchant.password)
    page.get_by_test_id("login-submit").click()
    wait_signed_in(page)
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    page.wait_for_load_state("load")


def go(page: Page, size: str, section: str) -> None:
    """To a section of the dashboard through its navigation (the menu on a phone)."""
    if size == "phone":
        menu = page.get_by_role("button", name="Menu")
        if menu.get_attribute("aria-expanded") != "true":
            menu.click()
    page.get_by_test_id(f"nav-{section}").click()


def closed_by_escape(
    opener: Locator, survey: Survey, name: str, role: Literal["dialog", "alertdialog"] = "dialog"
) -> None:
    """The dialog ``opener`` opens, checked, then closed with Escape."""
    page = survey.page
    opener.click()
    dialog = page.get_by_role(role)
    expect(dialog).to_be_visible()
    survey.check(name)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def test_signed_out_pages(surveyed: Survey, system: System) -> None:
    page = surveyed.page
    page.goto(f"{system.dashboard_url}/login")
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    surveyed.check("login")
    page.get_by_test_id("to-signup").click()
    page.wait_for_url(re.compile(r"/signup/?$"))
    expect(page.get_by_test_id("signup-submit")).to_be_visible()
    surveyed.check("signup")
    # Sent empty, every field says why; filled, its message goes.
    page.get_by_test_id("signup-submit").click()
    expect(page.locator("#store_name-error")).to_be_visible()
    surveyed.check("signup-errors")
    page.get_by_label("Store name").fill("Corner Bakery")
    expect(page.locator("#store_name-error")).to_have_count(0)
    surveyed.assert_clean()


def test_the_navigation_menu_opens_by_keyboard_on_a_phone(
    surveyed: Survey,
    system: System,
    full_store: Store,
) -> None:
    page = surveyed.page
    log_in(page, system, full_store)
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_test_id("nav-links")
    if surveyed.size == "desktop":
        expect(menu).to_be_hidden()
        expect(links).to_be_visible()
        return
    expect(links).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    # The skip link comes first, then the menu button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links).to_be_visible()
    surveyed.check("menu-open")
    page.keyboard.press("Tab")
    expect(links).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    expect(menu).to_have_attribute("aria-expanded", "false")
    surveyed.assert_clean()


def test_every_page_and_dialog_of_a_store_with_payments(
    surveyed: Survey,
    system: System,
    full_store: Store,
) -> None:
    page, size = surveyed.page, surveyed.size
    log_in(page, system, full_store)
    rows = page.get_by_test_id("link-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_text(LONG_TITLE)).to_be_visible()
    surveyed.check("links")
    # Each row's Copy URL and QR code, without opening the link.
    paid = rows.filter(has_text="Cake for the office")
    paid.get_by_role("button", name="Copy URL").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{system.checkout_url}/pay/{full_store.links['paid']}"
    paid.get_by_role("button", name="QR code").click()
    qr = page.get_by_role("dialog").get_by_role("img")
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    surveyed.check("links-qr")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert re.search(r"/payment-links/?$", page.url), "a row action opened the link"

    page.get_by_role("link", name="Create link").first.click()
    page.wait_for_url(re.compile(r"/payment-links/new/?$"))
    expect(page.get_by_test_id("create-submit")).to_be_visible()
    surveyed.check("new-link")

    # The paid link: its overview, its transactions with Refund, its sharing.
    page.goto(f"{system.dashboard_url}/payment-links/{full_store.links['paid']}")
    expect(page.get_by_test_id("link-status")).to_contain_text("Active")
    expect(page.get_by_test_id("payments-chart")).to_be_visible()
    surveyed.check("link-overview")
    page.get_by_test_id("tab-transactions").click()
    row = page.get_by_test_id("payment-row")
    expect(row).to_have_count(1)
    # Reached by scrolling down (the link's header comes first), never sideways.
    row.scroll_into_view_if_needed()
    for fact in ("£25.00", "Succeeded"):
        expect(row.get_by_text(fact, exact=True)).to_be_in_viewport()
    expect(row.get_by_test_id("refund-open")).to_be_in_viewport()
    surveyed.check("link-transactions")
    closed_by_escape(row.get_by_test_id("refund-open"), surveyed, "refund-dialog")
    page.get_by_test_id("tab-sharing").click()
    expect(page.get_by_test_id("link-url")).to_be_visible()
    surveyed.check("link-sharing")

    # The link whose title is one long word: the header keeps Deactivate in view.
    page.goto(f"{system.dashboard_url}/payment-links/{full_store.links['long']}")
    expect(page.get_by_test_id("deactivate")).to_be_in_viewport()
    surveyed.check("link-long-title")
    closed_by_escape(
        page.get_by_test_id("deactivate"), surveyed, "deactivate-dialog", role="alertdialog"
    )

    go(page, size, "venues")
    expect(page.get_by_test_id("venue-row")).to_have_count(1)
    surveyed.check("venues")
    closed_by_escape(page.get_by_test_id("add-venue"), surveyed, "venue-dialog")

    go(page, size, "developers")
    expect(page.get_by_test_id("key-row").first).to_be_visible()
    surveyed.check("api-keys")
    closed_by_escape(page.get_by_test_id("create-key"), surveyed, "api-key-dialog")
    # A new key's secret, shown once; then revoking it asks first.
    page.get_by_test_id("create-key").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Accounting sync")
    page.get_by_test_id("create-key-submit").click()
    expect(page.get_by_test_id("key-secret-value")).to_be_visible()
    surveyed.check("api-key-secret")
    page.get_by_test_id("key-secret-done").click()
    expect(page.get_by_test_id("key-secret-value")).to_have_count(0)
    closed_by_escape(
        page.get_by_test_id("revoke-key").first, surveyed, "revoke-key-dialog", role="alertdialog"
    )
    page.get_by_test_id("tab-webhooks").click()
    expect(page.get_by_test_id("endpoint-row")).to_have_count(1)
    surveyed.check("webhooks")
    closed_by_escape(page.get_by_test_id("add-endpoint"), surveyed, "endpoint-dialog")
    page.get_by_test_id("tab-log").click()
    expect(page.get_by_test_id("event-row").first).to_be_visible()
    surveyed.check("events")
    closed_by_escape(page.get_by_test_id("open-event").last, surveyed, "deliveries-dialog")

    go(page, size, "exports")
    expect(page.get_by_test_id("export")).to_be_visible()
    surveyed.check("exports")
    go(page, size, "settings")
    expect(page.get_by_test_id("settings-store-name")).to_be_visible()
    surveyed.check("settings")
    surveyed.assert_clean()


def test_the_empty_states(
    surveyed: Survey,
    system: System,
    empty_store: Store,
) -> None:
    page, size = surveyed.page, surveyed.size
    log_in(page, system, empty_store)
    expect(page.get_by_test_id("links-empty")).to_be_visible()
    surveyed.check("links-empty")
    go(page, size, "venues")
    expect(page.get_by_test_id("venues-empty")).to_be_visible()
    surveyed.check("venues-empty")
    go(page, size, "developers")
    page.get_by_test_id("tab-webhooks").click()
    expect(page.get_by_test_id("add-endpoint")).to_be_visible()
    surveyed.check("webhooks-empty")
    page.get_by_test_id("tab-log").click()
    expect(page.get_by_test_id("events-empty")).to_be_visible()
    surveyed.check("events-empty")
    surveyed.assert_clean()
