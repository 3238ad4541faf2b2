"""The hosted checkout in headless Chromium, against the running API and checkout app on
the embedded default (SQLite, jobs in-process): a customer's journeys, one per test, each
saving screenshots (the folder is printed) for a person to look at."""

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from checkout.components.stripe_element import STRIPE_JS
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.e2e.checkout_servers import (
    CARD_DECLINED,
    CARD_OK,
    Merchant,
    MerchantSite,
    Servers,
    chromium_or_skip,
    start_servers,
    stop_servers,
)
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.fakes.stripe_server import FakeStripe

SCREENSHOTS = Path(
    os.environ.get("PAYLINKS_SCREENSHOTS", Path(__file__).parent / "screenshots")
).resolve()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="module")
def fake_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture(scope="module")
def servers(chromium: str, fake_stripe: FakeStripe) -> Iterator[Servers]:
    root = Path(tempfile.mkdtemp(prefix="paylinks-browser-"))
    started = start_servers(root, {"PAYLINKS_STRIPE_API_BASE": fake_stripe.url})
    try:
        yield started
    finally:
        stop_servers(started)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(chromium: str, servers: Servers) -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots go to {SCREENSHOTS}")
    with sync_playwright() as playwright:
        launched = _launch(playwright, chromium)
        yield launched
        launched.close()


def _launch(playwright: Playwright, chromium: str) -> Browser:
    return playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)


@pytest.fixture(scope="module")
def merchant(servers: Servers) -> Merchant:
    return Merchant(servers.api_url, servers.api.log_path)


class Customer:
    """A page in the browser, and every request it made that left this machine."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name
        self.external: list[str] = []
        self.shots = 0
        page.on("request", self._watch)

    def _watch(self, request: Any) -> None:
        host = urlsplit(request.url).hostname or ""
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in {
            "127.0.0.1",
            "localhost",
        }:
            self.external.append(request.url)

    def shot(self, label: str) -> Path:
        self.shots += 1
        path = SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def open(self, url: str) -> None:
        self.page.goto(url)
        expect(self.page.locator("#screen-loading")).to_have_count(0, timeout=WAIT_MS)

    def fill_card(self, number: str = CARD_OK, expiry: str = "12 / 34", cvc: str = "123") -> None:
        self.page.get_by_label("Card number").fill(number)
        self.page.get_by_label("Expiry date").fill(expiry)
        self.page.get_by_label("Security code").fill(cvc)

    def pay(self) -> None:
        self.page.get_by_role("button", name=re.compile(r"^Pay")).click()


@pytest.fixture
def customer(
    browser: Browser, servers: Servers, request: pytest.FixtureRequest
) -> Iterator[Customer]:
    request.node.stash[PROCESS_OUTPUT] = servers.report
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    person = Customer(page, request.node.name.removeprefix("test_"))
    yield person
    context.close()
    assert person.external == [], f"the checkout loaded external resources: {person.external}"


def _paid(merchant: Merchant, link_id: str) -> list[dict[str, Any]]:
    return [p for p in merchant.payments(link_id) if p["status"] == "succeeded"]


class TestPaying:
    def test_a_fixed_link_with_4242_shows_the_thank_you_page(
        self, customer: Customer, merchant: Merchant
    ) -> None:
        link = merchant.link(
            title="Bag of house espresso beans",
            description="1 kg, roasted this week.",
            amount=1450,
            image_id=merchant.image(),
        )
        customer.open(link["url"])
        page = customer.page
        expect(page.get_by_role("heading", name="Bag of house espresso beans")).to_be_visible()
        expect(page.locator("#merchant-name")).to_have_text("Acme Coffee")
        expect(page.locator("#link-description")).to_have_text("1 kg, roasted this week.")
        image = page.locator("#link-image")
        expect(image).to_have_attribute("src", link["image_url"])
        assert image.evaluate("img => img.complete && img.naturalWidth") == 480
        expect(page.locator("#amount-due")).to_have_text("£14.50")
        expect(page.get_by_role("button", name="Pay £14.50")).to_be_enabled()
        customer.shot("form")
        customer.fill_card()
        customer.pay()
        expect(page.locator("#screen-success")).to_be_visible()
        expect(page.get_by_role("heading", name="Payment successful")).to_be_visible()
        expect(page.locator("#thank-you")).to_have_text("Thank you! Your payment was received.")
        expect(page.locator("#paid-amount")).to_have_text("£14.50")
        [payment] = _paid(merchant, link["id"])
        expect(page.locator("#payment-reference")).to_have_text(payment["reference"])
        customer.shot("thank-you")

    def test_a_declined_card_shows_the_error_then_4242_pays(
        self, customer: Customer, merchant: Merchant
    ) -> None:
        link = merchant.link(
            title="Workshop ticket",
            amount=2500,
            after_payment={"type": "thank_you", "message": "See you on Saturday!"},
        )
        customer.open(link["url"])
        page = customer.page
        customer.fill_card(CARD_DECLINED)
        customer.pay()
        notice = page.get_by_role("alert")
        expect(notice).to_have_text("Your card was declined. Try another card.")
        expect(page.get_by_label("Card number")).to_have_value("")
        expect(page.get_by_label("Card number")).to_be_focused()
        customer.shot("declined")
        page.get_by_label("Card number").fill(CARD_OK)
        customer.pay()
        expect(page.locator("#thank-you")).to_have_text("See you on Saturday!")
        expect(page.locator("#paid-amount")).to_have_text("£25.00")
        customer.shot("thank-you")
        statuses = sorted(p["status"] for p in merchant.payments(link["id"]))
        assert statuses == ["failed", "succeeded"]

    def test_a_redirect_link_lands_on_the_merchants_url_with_the_payment_id(
        self, customer: Customer, merchant: Merchant
    ) -> None:
        with MerchantSite() as site:
            link = merchant.link(
                title="Deposit",
                amount=5000,
                after_payment={"type": "redirect", "url": f"{site.url}/done?order=7"},
            )
            customer.open(link["url"])
            customer.fill_card()
            customer.pay()
            customer.page.wait_for_url(re.compile(r"/done\?"), timeout=WAIT_MS)
            expect(customer.page.get_by_role("heading")).to_have_text("Thanks for your order")
            customer.shot("landed")
        landed = urlsplit(customer.page.url)
        query = parse_qs(landed.query)
        [payment] = _paid(merchant, link["id"])
        assert f"{landed.scheme}://{landed.netloc}{landed.path}" == f"{site.url}/done"
        assert query == {
            "order": ["7"],
            "payment_id": [payment["id"]],
            "payment_link_id": [link["id"]],
        }
        assert len([visit for visit in site.visits if visit.startswith("/done")]) == 1

    def test_the_pay_button_cannot_submit_twice(
        self, customer: Customer, merchant: Merchant
    ) -> None:
        link = merchant.link(title="Double click", amount=700)
        customer.open(link["url"])
        customer.fill_card(CARD_DECLINED)
        customer.page.get_by_role("button", name="Pay £7.00").dblclick()
        expect(customer.page.get_by_role("alert")).to_contain_text("declined")
        customer.page.wait_for_timeout(1500)  # a second submission would have landed by now
        assert [p["status"] for p in merchant.payments(link["id"])] == ["failed"]

    def test_the_keyboard_alone_can_pay(self, customer: Customer, merchant: Merchant) -> None:
        link = merchant.link(title="Keyboard", amount=300, customer_fields={"email": "optional"})
        customer.open(link["url"])
        page = customer.page
        page.get_by_label("Email").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Card number")).to_be_focused()
        page.keyboard.type(CARD_OK)
        page.keyboard.press("Tab")
        page.keyboard.type("1234")
        page.keyboard.press("Tab")
        page.keyboard.type("123")
        page.keyboard.press("Enter")
        expect(page.locator("#screen-success")).to_be_visible()


class TestInlineErrors:
    def test_a_variable_amount_out_of_bounds(self, customer: Customer, merchant: Merchant) -> None:
        link = merchant.link(
            title="Tip the team", amount_type="variable", min_amount=500, max_amount=50000
        )
        customer.open(link["url"])
        page = customer.page
        expect(page.locator("#amount-hint")).to_have_text("Between £5.00 and £500.00")
        page.get_by_label("Amount").fill("2")
        customer.fill_card()
        customer.pay()
        error = page.locator("#amount-error")
        expect(error).to_have_text("Enter an amount between £5.00 and £500.00.")
        expect(page.get_by_label("Amount")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Amount")).to_be_focused()
        customer.shot("amount-error")
        assert merchant.payments(link["id"]) == []
        page.get_by_label("Amount").fill("12.50")
        customer.pay()
        expect(page.locator("#paid-amount")).to_have_text("£12.50")
        [payment] = _paid(merchant, link["id"])
        assert payment["amount"] == 1250

    def test_a_required_field_missing(self, customer: Customer, merchant: Merchant) -> None:
        link = merchant.link(
            title="Invoice 42", customer_fields={"email": "required", "customer_name": "optional"}
        )
        customer.open(link["url"])
        page = customer.page
        expect(page.locator("label[for=email] .pl-required")).to_have_text("*")
        expect(page.locator("label[for=customer_name]")).to_contain_text("(optional)")
        customer.fill_card()
        customer.pay()
        expect(page.locator("#email-error")).to_have_text("Enter your email address.")
        expect(page.get_by_label("Email")).to_be_focused()
        expect(page.locator("#customer_name-error")).to_have_count(0)
        customer.shot("email-missing")
        page.get_by_label("Email").fill("ann@example.com")
        customer.pay()
        expect(page.locator("#screen-success")).to_be_visible()
        [payment] = _paid(merchant, link["id"])
        assert payment["customer"]["email"] == "ann@example.com"
        assert payment["customer"]["customer_name"] is None


class TestClosedLinks:
    def test_an_inactive_link(self, customer: Customer, merchant: Merchant) -> None:
        link = merchant.link(title="Last season's beans")
        merchant.deactivate(link["id"])
        customer.open(link["url"])
        screen = customer.page.locator("#screen-inactive")
        expect(screen).to_be_visible()
        expect(screen.get_by_role("heading")).to_have_text("This payment link is no longer active.")
        expect(customer.page.locator("#pay-form")).to_be_hidden()
        customer.shot("inactive")

    def test_an_expired_link(self, customer: Customer, merchant: Merchant) -> None:
        soon = datetime.now(UTC) + timedelta(seconds=3)
        link = merchant.link(title="Flash sale", expires_at=soon.isoformat())
        time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.5)
        customer.open(link["url"])
        screen = customer.page.locator("#screen-expired")
        expect(screen).to_be_visible()
        expect(screen.get_by_role("heading")).to_have_text("This payment link has expired.")
        customer.shot("expired")

    def test_an_unknown_link(self, customer: Customer, servers: Servers) -> None:
        customer.open(f"{servers.checkout_url}/pay/plink_{'0' * 32}")
        expect(customer.page.locator("#screen-not-found")).to_be_visible()
        customer.shot("not-found")

    def test_the_last_place_held_by_someone_else(
        self, customer: Customer, merchant: Merchant, servers: Servers
    ) -> None:
        link = merchant.link(title="One seat left", type="one_off")
        held = merchant.http.post(
            f"{servers.api_url}/v1/checkout/links/{link['id']}/payments", json={}
        )
        assert held.status_code == 201, held.text
        customer.open(link["url"])
        customer.fill_card()
        customer.pay()
        screen = customer.page.locator("#screen-unavailable")
        expect(screen).to_be_visible()
        expect(customer.page.locator("#retry-hint")).to_contain_text("try again")
        customer.shot("unavailable")
        # The other customer's card is declined, which frees the place at once.
        declined = merchant.http.post(
            f"{servers.api_url}/v1/checkout/payments/{held.json()['id']}/confirm",
            json={
                "card": {
                    "number": "4000000000000002",
                    "exp_month": 12,
                    "exp_year": 2034,
                    "cvc": "123",
                }
            },
        )
        assert declined.json()["status"] == "failed", declined.text
        customer.page.get_by_role("button", name="Try again").click()
        expect(customer.page.locator("#screen-success")).to_be_visible()
        assert len(_paid(merchant, link["id"])) == 1


#: Stripe.js as far as the checkout uses it; the Payment Element's confirmation is played
#: by the fake Stripe server (``fakeStripeConfirm``, exposed by the test).
FAKE_STRIPE_JS = """
window.Stripe = (publishableKey) => {
  window.fakeStripe = { publishableKey };
  return {
    elements(options) {
      window.fakeStripe.options = options;
      return {
        create(kind) {
          return {
            mount(node) {
              node.innerHTML = '<label for="fake-card">Card (fake Stripe)</label>' +
                '<input id="fake-card" class="pl-input" autocomplete="off">';
            },
            destroy() {},
          };
        },
        update(changes) { Object.assign(window.fakeStripe.options, changes); },
        async submit() {
          const card = document.getElementById("fake-card").value;
          return card ? {} : { error: { message: "Your card number is incomplete." } };
        },
      };
    },
    async confirmPayment({ clientSecret }) {
      const card = document.getElementById("fake-card").value;
      return await window.fakeStripeConfirm(clientSecret, card);
    },
  };
};
"""
STRIPE_KEYS = {
    "gateway": "stripe",
    "stripe_secret_key": "sk_test_51PaylinksStoreSecretKey0123456789abcdef",
    "stripe_webhook_secret": "whsec_PaylinksWebhookSigningSecret0123456789",
    "stripe_publishable_key": "pk_test_51PaylinksBrowserPublishableKey",
}


class TestStripe:
    def test_pays_through_the_payment_element_with_stripe_js_loaded_only_here(
        self, customer: Customer, servers: Servers, fake_stripe: FakeStripe
    ) -> None:
        merchant = Merchant(
            servers.api_url, servers.api.log_path, name="Stripe Roasters", gateway=STRIPE_KEYS
        )
        link = merchant.link(title="Filter beans", amount=1450)
        page = customer.page

        def confirm(client_secret: str, card: str) -> dict[str, Any]:
            intent = fake_stripe.simulate_customer_confirm(client_secret.split("_secret")[0], card)
            if intent["last_payment_error"]:
                return {"error": {"message": intent["last_payment_error"]["message"]}}
            return {"paymentIntent": {"status": intent["status"]}}

        page.expose_function("fakeStripeConfirm", confirm)
        page.route(
            STRIPE_JS,
            lambda route: route.fulfill(
                status=200, content_type="application/javascript", body=FAKE_STRIPE_JS
            ),
        )
        customer.open(link["url"])
        expect(page.locator("#fake-card")).to_be_visible()
        assert page.evaluate("window.fakeStripe") == {
            "publishableKey": STRIPE_KEYS["stripe_publishable_key"],
            "options": {
                "mode": "payment",
                "currency": "gbp",
                "captureMethod": "manual",
                "amount": 1450,
            },
        }
        assert fake_stripe.intents() == []  # nothing started, no place held, before Pay
        customer.shot("payment-element")
        page.locator("#fake-card").fill("4000000000000002")
        customer.pay()
        expect(page.get_by_role("alert")).to_have_text("Your card was declined. Try another card.")
        customer.shot("declined")
        page.locator("#fake-card").fill("4242424242424242")
        customer.pay()
        expect(page.locator("#screen-success")).to_be_visible()
        expect(page.locator("#paid-amount")).to_have_text("£14.50")
        customer.shot("thank-you")
        [intent] = fake_stripe.intents()  # the declined card's intent took the good card
        assert intent["status"] == "succeeded"
        assert [p["status"] for p in merchant.payments(link["id"])] == ["succeeded"]
        assert customer.external == [STRIPE_JS]
        customer.external.clear()
