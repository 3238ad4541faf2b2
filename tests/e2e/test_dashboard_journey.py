"""The whole product from a merchant's chair, in headless Chromium: ``paylinks up`` on a
clean data directory (embedded SQLite, jobs in-process, dashboard and checkout built and
served), then sign up → activate payments → a webhook endpoint → a reusable variable link
with a required email → the customer pays at the checkout → the transaction with its email
→ partial refund → full refund → the statuses → the webhook receiver holds the created,
paid and refund events, each with a valid signature; the link edited (the checkout shows
its new title), duplicated, deactivated and reactivated, with axe-core on the link page,
the form and the dialogs; Ctrl-C stops everything.
Screenshots of each step go to tests/e2e/screenshots/journey-*.png (the link page and the
form at 1360 and 390 px)."""

import csv
import io
import json
import os
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import msgspec
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from paylinks_cli.webapps import READY_WITHIN
from tests.e2e.axe_core import NpmMissing, ensure_axe, load_axe
from tests.e2e.checkout_servers import CARD_OK, chromium_or_skip
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.dashboard_session import wait_signed_in
from tests.e2e.processes import Process, free_port
from tests.e2e.test_checkout_browser import CHROMIUM_FLAGS, SCREENSHOTS
from tests.factories import LogMailbox, confirmation_tokens
from tests.fakes.receiver import Receiver

WAIT_MS = 30_000
DESKTOP = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}
EMAIL = "owner@cornerbakery.example.com"
PASSWORD = "flour water salt yeast"
CUSTOMER_EMAIL = "ada@example.com"
#: A title of one 61-letter word.
LONG_WORD = "Cakefortheofficeandforthenextofficeandfortheoneafterthatagain"


@dataclass
class System:
    up: Process
    api_url: str
    dashboard_url: str
    checkout_url: str
    data_dir: Path


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """``paylinks up`` from a clean data directory, every part on a port of its own."""
    root = tmp_path_factory.mktemp("journey")
    data = root / "data"
    api_port, dashboard_port, checkout_port = free_port(), free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
        "PAYLINKS_DATA_DIR": str(data),
        "PAYLINKS_API_URL": f"http://127.0.0.1:{api_port}",
        "PAYLINKS_DASHBOARD_URL": f"http://127.0.0.1:{dashboard_port}",
        "PAYLINKS_CHECKOUT_URL": f"http://127.0.0.1:{checkout_port}",
        # The receiver is on this machine: let webhooks reach a private address.
        "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
        "PYTHONUNBUFFERED": "1",
    }
    up = Process("up", ["up", "--port", str(api_port)], env, root)
    system = System(
        up,
        f"http://127.0.0.1:{api_port}",
        f"http://127.0.0.1:{dashboard_port}",
        f"http://127.0.0.1:{checkout_port}",
        data,
    )
    try:
        deadline = time.monotonic() + READY_WITHIN
        while not all(f"{app}: ready on" in up.output() for app in ("dashboard", "checkout")):
            assert up.alive, up.output()[-5000:]
            assert time.monotonic() < deadline, up.output()[-5000:]
            time.sleep(0.5)
        yield system
    finally:
        up.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_js() -> Path:
    try:
        return ensure_axe()
    except NpmMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(str(missing))
        pytest.skip(str(missing))


#: No animation that ends (a fade, a slide) is still running; spinners go on for ever.
STILL = (
    "() => document.getAnimations().every(a => a.playState !== 'running'"
    " || a.effect.getComputedTiming().iterations === Infinity)"
)


def no_serious_axe_violations(page: Page, axe_js: Path) -> None:
    """axe-core finds nothing critical or serious on the page once it is still (a dialog
    fading in has, for a moment, faint text)."""
    page.wait_for_function(STILL)
    load_axe(page, axe_js)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations"
        ".filter(v => v.impact === 'critical' || v.impact === 'serious')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert found == [], found


class Shots:
    def __init__(self, page: Page) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page = page
        self.count = 0

    def __call__(self, name: str) -> None:
        self.count += 1
        path = SCREENSHOTS / f"journey-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)


def test_paylinks_up_prints_every_address_and_the_demo_login(system: System) -> None:
    output = system.up.output()
    assert f"API        {system.api_url}" in output
    assert f"Dashboard  {system.dashboard_url}" in output
    assert f"Checkout   {system.checkout_url}/pay/" in output
    demo = json.loads((system.data_dir / "demo.json").read_text())
    assert f"Demo login {demo['email']} / {demo['password']}" in output


def test_the_merchant_journey(
    system: System,
    browser: Browser,
    receiver: Receiver,
    axe_js: Path,
    request: pytest.FixtureRequest,
) -> None:
    request.node.stash[PROCESS_OUTPUT] = lambda: system.up.output()[-8000:]
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=system.dashboard_url)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    shot = Shots(page)
    try:
        merchant_journey(system, page, receiver, shot, browser)
        change_the_link(system, page, shot, browser, axe_js)
        log_out(page)
    except BaseException:
        shot("FAILED-here")
        raise
    finally:
        context.close()


def merchant_journey(
    system: System, page: Page, receiver: Receiver, shot: Shots, browser: Browser
) -> None:
    # Sign up: a new store, sent to activate payments (Payment Links are not there yet).
    page.goto(system.dashboard_url)
    page.wait_for_url(re.compile(r"/login/?$"))
    page.get_by_test_id("to-signup").click()
    page.get_by_label("Store name").fill("Corner Bakery")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    shot("signup")
    # The store is made from the link emailed to the address (no SMTP here: the API writes
    # it to its log, the development fallback), so sign-up never says who has an account.
    mailbox = LogMailbox(system.up.log_path)
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("signup-sent")).to_contain_text(f"Check your inbox at {EMAIL}")
    shot("signup-sent")
    [token] = confirmation_tokens(mailbox.read())
    page.goto(f"{system.dashboard_url}/signup/confirm?token={quote(token, safe='')}")
    page.wait_for_url(re.compile(r"/settings/payments/?$"))
    expect(page.get_by_test_id("store-name")).to_have_text("Corner Bakery")
    expect(page.get_by_test_id("nav-links")).to_have_count(0)
    shot("activate-payments")

    # Activate payments with the sandbox gateway.
    page.get_by_test_id("gateway-sandbox").click()
    page.get_by_test_id("activate-submit").click()
    expect(page.get_by_test_id("payments-status").first).to_contain_text("Activated")
    expect(page.get_by_test_id("nav-links")).to_be_visible()
    expect(page.get_by_text("Test mode").first).to_be_visible()
    shot("payments-activated")

    # A webhook endpoint on the local receiver; its signing secret is shown once.
    page.get_by_test_id("nav-developers").click()
    page.get_by_test_id("tab-webhooks").click()
    page.get_by_test_id("add-endpoint").click()
    page.locator("input[name=url]").fill(receiver.url)
    page.get_by_test_id("add-endpoint-submit").click()
    secret = page.get_by_test_id("endpoint-secret-value").inner_text().strip()
    assert secret.startswith("whsec_")
    shot("webhook-secret-once")
    page.get_by_test_id("endpoint-secret-done").click()
    expect(page.get_by_test_id("endpoint-row")).to_have_count(1)
    expect(page.get_by_test_id("endpoint-secret-value")).to_have_count(0)

    # A reusable link, the customer chooses the amount, the email is required.
    page.get_by_test_id("nav-links").click()
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    shot("links-empty")
    page.get_by_role("link", name="Create link").first.click()
    page.wait_for_url(re.compile(r"/payment-links/new/?$"))
    page.get_by_test_id("input-title").fill("Cake for the office")
    page.get_by_test_id("type-reusable").click()
    page.get_by_test_id("amount-type").get_by_role("radio", name="Customer chooses").click()
    page.get_by_test_id("input-min_amount").fill("5")
    page.get_by_test_id("input-max_amount").fill("200.00")
    page.get_by_test_id("customer-email").get_by_role("radio", name="Required").click()
    shot("create-link")
    page.get_by_test_id("create-submit").click()
    page.wait_for_url(re.compile(r"/payment-links/plink_[^/]+/?$"))
    link_id = re.findall(r"plink_[0-9a-z]+", page.url)[0]
    expect(page.get_by_test_id("link-status")).to_contain_text("Active")
    shot("link-created")

    # Share first: the URL with Copy, the QR code and Send at the top, no tab to open.
    header = page.get_by_test_id("share-header")
    url = header.get_by_test_id("link-url").inner_text().strip()
    assert url == f"{system.checkout_url}/pay/{link_id}"
    expect(header.get_by_test_id("qr-image")).to_be_visible()
    expect(header.get_by_test_id("send-open")).to_be_visible()
    header.get_by_test_id("copy-url").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    # Send, from the top of the page too: an email queued, then listed under Sends.
    header.get_by_test_id("send-open").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email address").fill("office@example.com")
    dialog.get_by_test_id("send-submit").click()
    expect(page.get_by_text("Queued for office@example.com.")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_test_id("tab-sharing").click()
    expect(page.get_by_test_id("sends-table")).to_contain_text("office@example.com")
    # The copied URL opens the checkout: the customer pays £25.00.
    pay_at_checkout(browser, url, shot)

    # The transaction appears with the customer's email.
    page.get_by_test_id("tab-transactions").click()
    page.get_by_test_id("refresh-payments").click()
    row = page.get_by_test_id("payment-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CUSTOMER_EMAIL)
    expect(row).to_contain_text("£25.00")
    expect(row).to_contain_text("Succeeded")
    shot("transaction")

    # A partial refund of £10.00, settled by the worker in the background.
    row.get_by_test_id("refund-open").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label(re.compile("Amount to refund"))).to_have_value("25.00")
    dialog.get_by_label(re.compile("Amount to refund")).fill("10")
    dialog.get_by_test_id("refund-submit").click()
    expect(dialog.get_by_test_id("refunds-table")).to_contain_text("£10.00")
    expect(dialog.get_by_test_id("refunds-table")).to_contain_text("Succeeded")
    expect(dialog.get_by_test_id("refund-payment-status")).to_have_text("Partially refunded")
    shot("partial-refund")
    page.keyboard.press("Escape")
    expect(row).to_contain_text("Partially refunded")
    expect(row).to_contain_text("£10.00")

    # The rest, £15.00: a full refund.
    row.get_by_test_id("refund-open").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label(re.compile("Amount to refund"))).to_have_value("15.00")
    dialog.get_by_test_id("refund-submit").click()
    expect(dialog.get_by_test_id("refund-payment-status")).to_have_text("Refunded")
    expect(dialog.get_by_test_id("refunds-table").get_by_text("Succeeded")).to_have_count(2)
    expect(dialog.get_by_text("Nothing is left to refund on this payment.")).to_be_visible()
    shot("full-refund")
    page.keyboard.press("Escape")
    expect(row).to_contain_text("Refunded")
    expect(row.get_by_test_id("refund-open")).to_have_count(0)
    shot("transactions-after-refunds")

    # A reload keeps the session; the list shows the link with its payment.
    page.reload()
    expect(page.get_by_test_id("link-status")).to_contain_text("Active")
    page.get_by_test_id("nav-links").click()
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    expect(page.get_by_test_id("link-row").get_by_text("Cake for the office")).to_be_visible()
    shot("links-list")

    # The receiver got the link created, paid and both refunds, each signed.
    expected = {
        "payment_link.created",
        "payment_link.paid",
        "payment_link.refund.created",
        "payment_link.refund.succeeded",
    }
    deadline = time.monotonic() + 30
    while not expected <= set(receiver.types()) and time.monotonic() < deadline:
        time.sleep(0.2)
    types = receiver.types()
    assert expected <= set(types), types
    assert types.count("payment_link.refund.succeeded") == 2, types
    webhook = Webhook(secret)
    for received in receiver.requests:
        event = webhook.verify(received.body, received.headers)
        assert event["data"]["payment_link"]["id"] == link_id
    paid = next(
        msgspec.json.decode(r.body)
        for r in receiver.requests
        if msgspec.json.decode(r.body)["type"] == "payment_link.paid"
    )
    assert paid["data"]["payment"]["amount"] == 2500
    forged = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        webhook.verify(forged.body.replace("Cake", "Pie"), forged.headers)

    # The delivery log shows them as delivered.
    page.get_by_test_id("nav-developers").click()
    page.get_by_test_id("tab-log").click()
    expect(page.get_by_text("payment_link.refund.succeeded").first).to_be_visible()
    shot("delivery-log")
    page.get_by_role("button", name="Deliveries").last.click()  # the oldest: created
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(receiver.url)
    expect(dialog).to_contain_text(re.compile("succeeded", re.IGNORECASE))
    shot("delivery-of-created")
    page.keyboard.press("Escape")

    # The store-wide export: the payment followed by its two refunds, streamed as CSV.
    page.get_by_test_id("nav-exports").click()
    around_today = [(date.today() + timedelta(days=d)).isoformat() for d in (-1, 1)]
    page.get_by_label("From").fill(around_today[0])
    page.get_by_label("To (included)").fill(around_today[1])
    shot("exports")
    with page.expect_download() as downloading:
        page.get_by_test_id("export").click()
    exported = list(csv.DictReader(io.StringIO(Path(downloading.value.path()).read_text())))
    assert [r["object"] for r in exported] == ["payment", "refund", "refund"], exported
    # Amounts a spreadsheet sums, beside the currency; minor units in their own column.
    assert (exported[0]["amount"], exported[0]["currency"]) == ("25.00", "GBP")
    assert exported[0]["amount_minor"] == "2500"
    assert {r["amount"] for r in exported[1:]} == {"10.00", "15.00"}
    assert exported[0]["email"] == CUSTOMER_EMAIL


def log_out(page: Page) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/?$"))


def change_the_link(
    system: System, page: Page, shot: Shots, browser: Browser, axe_js: Path
) -> None:
    """Edit the paid link (its amount locked), see the checkout's new title, duplicate it
    (a failed submit goes to the field), deactivate and reactivate the copy."""
    page.get_by_test_id("nav-links").click()
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    page.get_by_test_id("link-row").get_by_text("Cake for the office").click()
    page.wait_for_url(re.compile(r"/payment-links/plink_[^/]+/?$"))
    link_id = re.findall(r"plink_[0-9a-z]+", page.url)[0]
    expect(page.get_by_test_id("link-setup")).to_contain_text("Required")  # the email
    no_serious_axe_violations(page, axe_js)
    shot("link-page-1360")
    page.set_viewport_size(PHONE)
    expect(page.get_by_test_id("copy-url")).to_be_visible()
    shot("link-page-390")
    page.set_viewport_size(DESKTOP)

    # Edit: the form filled from the link, its amount locked after the payment.
    page.get_by_test_id("edit").click()
    page.wait_for_url(re.compile(r"/edit/?$"))
    title = page.get_by_test_id("input-title")
    expect(title).to_have_value("Cake for the office")
    expect(page.locator("#amount-lock")).to_contain_text("can't change after a payment")
    expect(page.get_by_test_id("input-min_amount")).to_be_disabled()
    title.fill("Cake for the whole office")
    expect(page.get_by_test_id("preview-title")).to_have_text("Cake for the whole office")
    no_serious_axe_violations(page, axe_js)
    shot("edit-form-1360")
    page.set_viewport_size(PHONE)
    shot("edit-form-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("create-submit").click()
    page.wait_for_url(re.compile(rf"/payment-links/{link_id}/?$"))
    expect(page.get_by_role("heading", name="Cake for the whole office")).to_be_visible()
    customer = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    customer.goto(f"{system.checkout_url}/pay/{link_id}")
    expect(customer.get_by_role("heading", name="Cake for the whole office")).to_be_visible()
    customer.context.close()

    # Duplicate: a new link from this one; a blank title sends the merchant to it.
    page.get_by_test_id("duplicate").click()
    page.wait_for_url(re.compile(r"/payment-links/new\?from=plink_"))
    title = page.get_by_test_id("input-title")
    expect(title).to_have_value("Cake for the whole office")
    title.fill("")
    page.get_by_test_id("create-submit").click()
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", re.compile("title-error"))
    expect(page.locator("#title-error")).to_be_in_viewport()
    # Drawn with a red border (dashboard.css, by aria-invalid).
    marked = page.locator(".rt-TextFieldRoot:has(> input[aria-invalid='true'])")
    expect(marked).to_have_count(1)
    expect(marked).to_have_css(
        "box-shadow", re.compile(r"rgb\(\d+, \d+, \d+\) 0px 0px 0px 2px inset")
    )
    shot("duplicate-failed-submit")
    title.fill(LONG_WORD)
    page.get_by_test_id("create-submit").click()
    page.wait_for_url(re.compile(r"/payment-links/plink_[^/]+/?$"))
    assert link_id not in page.url
    expect(page.get_by_role("heading", name=LONG_WORD)).to_be_visible()
    # On a phone the long word wraps: the page's actions stay on screen.
    page.set_viewport_size(PHONE)
    box = page.get_by_test_id("deactivate").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"], box
    shot("long-title-390")
    page.set_viewport_size(DESKTOP)

    # Deactivate the copy, then reactivate it, each after its confirmation.
    page.get_by_test_id("deactivate").click()
    page.get_by_test_id("deactivate-confirm").click()
    expect(page.get_by_test_id("link-status")).to_have_text("Deactivated")
    page.get_by_test_id("tab-sharing").click()
    expect(page.get_by_text("Send the link above")).to_have_count(0)
    page.get_by_test_id("reactivate").click()
    expect(page.get_by_test_id("reactivate-dialog")).to_be_visible()
    no_serious_axe_violations(page, axe_js)
    shot("reactivate-dialog")
    page.get_by_test_id("reactivate-confirm").click()
    expect(page.get_by_test_id("link-status")).to_have_text("Active")
    shot("reactivated")


def pay_at_checkout(browser: Browser, url: str, shot: Shots) -> None:
    """The customer, on a phone: £25.00, their email, the 4242 card."""
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    expect(page.get_by_role("heading", name="Cake for the office")).to_be_visible()
    page.get_by_label("Amount").fill("25.00")
    page.get_by_label("Email").fill(CUSTOMER_EMAIL)
    page.get_by_label("Card number").fill(CARD_OK)
    page.get_by_label("Expiry date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    checkout_shot = Shots(page)
    checkout_shot.count = shot.count
    checkout_shot("checkout")
    page.get_by_role("button", name=re.compile(r"^Pay")).click()
    expect(page.locator("#screen-success")).to_be_visible()
    checkout_shot("checkout-paid")
    shot.count = checkout_shot.count
    context.close()


def test_the_demo_store_logs_in_and_its_links_open_at_the_checkout(
    system: System, browser: Browser
) -> None:
    demo = json.loads((system.data_dir / "demo.json").read_text())
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    shot = Shots(page)
    shot.count = 50
    page.goto(f"{system.dashboard_url}/login")
    page.get_by_label("Email").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_test_id("login-submit").click()
    wait_signed_in(page)
    page.wait_for_url(re.compile(r"/payment-links/?$"))
    expect(page.get_by_text("Bag of house espresso beans")).to_be_visible()
    # Times read in the browser's time zone, named.
    expect(page.get_by_text(re.compile(r"\d\d:\d\d JST$")).first).to_be_visible()
    shot("demo-links")
    page.get_by_text("Bag of house espresso beans").click()
    page.get_by_test_id("tab-sharing").click()
    url = page.get_by_test_id("link-url").inner_text().strip()
    page.goto(url)
    expect(page.get_by_role("heading", name="Bag of house espresso beans")).to_be_visible()
    expect(page.get_by_text("£14.50").first).to_be_visible()
    shot("demo-checkout")
    context.close()


def test_ctrl_c_stops_every_part(system: System) -> None:
    """Last: Ctrl-C in the terminal stops the API, the dashboard and the checkout."""
    system.up.popen.send_signal(signal.SIGINT)
    system.up.popen.wait(60)
    for url in (system.api_url, system.dashboard_url, system.checkout_url):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/ping", timeout=2)
