"""The hosted checkout for customers anywhere, in headless Chromium at a phone's width and
a desktop's: any currency beside the amount, any word in the merchant's text, the
customer's language, the URL's prefill and client reference, the store's branding; with
axe-core finding no violation on any screen. Screenshots go where the other browser
tests put theirs."""

# The other browser module's fixtures are imported by name, so tests name them as arguments.
# ruff: noqa: F811

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checkout import i18n, problems
from playwright.sync_api import Browser, Page, expect

from paylinks.locales import SUPPORTED
from tests.e2e.axe_core import NpmMissing, ensure_axe, load_axe
from tests.e2e.checkout_servers import Merchant, Servers
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.processes import IN_CI
from tests.e2e.test_checkout_browser import (  # noqa: F401 (its fixtures, used by name)
    WAIT_MS,
    Customer,
    browser,
    chromium,
    fake_stripe,
    merchant,
    servers,
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
#: The narrowest phone the checkout is made for (SPEC §3), and the widest desktop.
EDGES = {"narrow": {"width": 320, "height": 640}, "wide": {"width": 1440, "height": 900}}
TOKEN = "SKU-" + "X7" * 28  # a 60-character product code, one word


@pytest.fixture(scope="module")
def axe_js() -> Path:
    try:
        return ensure_axe()
    except NpmMissing as missing:
        if IN_CI:
            pytest.fail(str(missing))
        pytest.skip(str(missing))


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _customer(browser: Browser, servers: Servers, request: Any, **context: Any) -> Customer:
    request.node.stash[PROCESS_OUTPUT] = servers.report
    made = browser.new_context(**context)
    page = made.new_page()
    page.set_default_timeout(WAIT_MS)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name.removeprefix("test_"))
    request.addfinalizer(made.close)
    return Customer(page, name)


@pytest.fixture
def customer(
    browser: Browser, servers: Servers, request: pytest.FixtureRequest, size: str
) -> Iterator[Customer]:
    viewport = {**SIZES, **EDGES}[size]
    person = _customer(browser, servers, request, viewport=viewport, locale="en-GB")
    yield person
    assert person.external == [], f"the checkout loaded external resources: {person.external}"


def no_axe_violations(page: Page, axe_js: Path) -> None:
    load_axe(page, axe_js)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert found == [], found


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in {widths[1]} px"


def store(servers: Servers, currency: str = "GBP", **changes: Any) -> Merchant:
    merchant = Merchant(servers.api_url, servers.api.log_path, currency=currency)
    if changes:
        response = merchant.http.patch("/v1/store", json=changes)
        assert response.status_code == 200, response.text
    return merchant


class TestMerchantText:
    @pytest.mark.parametrize("size", [*SIZES, *EDGES])
    def test_a_long_word_and_a_long_description_fit(
        self, customer: Customer, servers: Servers, axe_js: Path
    ) -> None:
        title = f"Order {TOKEN} " + "x" * (120 - len(TOKEN) - 7)
        description = " ".join(["Freshly roasted beans from a small farm."] * 24)[:1000]
        link = store(servers).link(title=title[:120], description=description)
        customer.open(link["url"])
        page = customer.page
        expect(page.locator("#link-title")).to_contain_text(TOKEN)
        no_sideways_scroll(page)
        toggle = page.locator("#description-toggle")
        expect(toggle).to_have_text("Show more")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        clamped = page.locator("#link-description").bounding_box()
        assert clamped is not None
        assert clamped["height"] < 120
        customer.shot("clamped")
        pay = page.locator("#pay-button").bounding_box()
        assert pay is not None
        no_axe_violations(page, axe_js)
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        opened = page.locator("#link-description").bounding_box()
        assert opened is not None
        assert opened["height"] > clamped["height"] * 2
        no_sideways_scroll(page)
        customer.shot("opened")


class TestCurrencies:
    @pytest.mark.parametrize(
        ("currency", "typed", "placeholder", "paid"),
        [
            ("CHF", "1234.50", "0.00", "CHF\u00a01’234.50"),  # en_CH: a Swiss store
            ("KWD", "12.345", "0.000", "KWD\u00a012.345"),
            ("JPY", "1500", "0", "¥1,500"),  # en_JP: a Japanese store
        ],
    )
    def test_the_currency_never_covers_the_amount(
        self,
        customer: Customer,
        servers: Servers,
        axe_js: Path,
        currency: str,
        typed: str,
        placeholder: str,
        paid: str,
    ) -> None:
        link = store(servers, currency=currency).link(title="Tip", amount_type="variable")
        customer.open(link["url"])
        page = customer.page
        amount = page.get_by_label("Amount")
        expect(amount).to_have_attribute("placeholder", placeholder)
        amount.fill(typed)
        symbol = page.locator(".pl-money-symbol").bounding_box()
        box = amount.bounding_box()
        assert symbol is not None
        assert box is not None
        padding = float(amount.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)"))
        assert symbol["x"] + symbol["width"] <= box["x"] + padding, (symbol, box)
        no_sideways_scroll(page)
        customer.shot(f"{currency.lower()}-typed")
        no_axe_violations(page, axe_js)
        customer.fill_card()
        customer.pay()
        expect(page.locator("#paid-amount")).to_have_text(paid)
        expect(page.locator("#success-heading")).to_be_focused()
        no_axe_violations(page, axe_js)


class TestLanguages:
    def test_a_german_browser_gets_a_german_page(
        self, browser: Browser, servers: Servers, request: pytest.FixtureRequest, axe_js: Path
    ) -> None:
        person = _customer(browser, servers, request, viewport=PHONE, locale="de-DE")
        link = store(servers).link(title="Kaffeebohnen", amount_type="variable")
        person.open(link["url"])
        page = person.page
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_label("Betrag")).to_have_attribute("placeholder", "0,00")
        expect(page.locator("#pay-button")).to_have_text("Bezahlen")
        expect(page.locator("#amount-hint")).to_have_text(
            "Geben Sie den Betrag ein, den Sie zahlen möchten"
        )
        person.shot("de")
        no_axe_violations(page, axe_js)
        page.get_by_label("Betrag").fill("14,50")
        page.get_by_label("Kartennummer").fill("4242 4242 4242 4242")
        page.get_by_label("Ablaufdatum").fill("12 / 34")
        page.get_by_label("Sicherheitscode").fill("123")
        page.locator("#pay-button").click()
        expect(page.locator("#success-heading")).to_have_text("Zahlung erfolgreich")
        expect(page.locator("#paid-amount")).to_have_text("14,50\u00a0£")
        person.shot("de-paid")
        no_axe_violations(page, axe_js)

    def test_the_url_chooses_french(
        self, browser: Browser, servers: Servers, request: pytest.FixtureRequest, axe_js: Path
    ) -> None:
        person = _customer(browser, servers, request, viewport=DESKTOP, locale="de-DE")
        link = store(servers, currency="EUR", country="FR").link(amount=1450)
        person.open(f"{link['url']}?locale=fr")
        page = person.page
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#pay-button")).to_have_text("Payer 14,50\u00a0€")
        person.shot("fr")
        no_axe_violations(page, axe_js)


class TestUrlParameters:
    def test_prefill_and_client_reference_reach_the_payment(
        self, customer: Customer, servers: Servers, axe_js: Path
    ) -> None:
        merchant = store(servers)
        link = merchant.link(customer_fields={"email": "required", "customer_name": "optional"})
        customer.open(
            f"{link['url']}?prefilled_email=ann%40example.com&prefilled_name=Ann%20Lee"
            "&client_reference_id=order_42"
        )
        page = customer.page
        expect(page.get_by_label("Email")).to_have_value("ann@example.com")
        expect(page.get_by_label("Full name")).to_have_value("Ann Lee")
        customer.shot("prefilled")
        no_axe_violations(page, axe_js)
        customer.fill_card()
        customer.pay()
        expect(page.locator("#receipt-note")).to_contain_text("ann@example.com")
        [payment] = merchant.payments(link["id"])
        assert payment["client_reference_id"] == "order_42"
        assert payment["customer"]["email"] == "ann@example.com"


class TestBranding:
    def test_the_button_wears_the_brand_with_readable_text(
        self, customer: Customer, servers: Servers, axe_js: Path
    ) -> None:
        merchant = store(servers, brand_color="#FFD400")
        logo = merchant.image()
        assert merchant.http.patch("/v1/store", json={"logo_image_id": logo}).status_code == 200
        link = merchant.link()
        customer.open(link["url"])
        page = customer.page
        expect(page.locator("#store-logo")).to_be_visible()
        button = page.locator("#pay-button")
        expect(button).to_have_css("background-color", "rgb(255, 212, 0)")
        expect(button).to_have_css("color", "rgb(0, 0, 0)")
        customer.shot("branded")
        no_axe_violations(page, axe_js)


#: The locale whose screens are checked at a desktop's width; the others at a phone's.
DESKTOP_LOCALE = "nl"


class TestEveryScreenInEveryLocale:
    """axe-core on each screen a customer can meet, in each language of the checkout:
    the form, the form with its errors, the thank-you page, and the closed-link screens."""

    @pytest.mark.parametrize("lang", SUPPORTED)
    def test_no_violation_on_any_screen(
        self,
        browser: Browser,
        servers: Servers,
        merchant: Merchant,
        request: pytest.FixtureRequest,
        axe_js: Path,
        lang: str,
    ) -> None:
        viewport = DESKTOP if lang == DESKTOP_LOCALE else PHONE
        person = _customer(browser, servers, request, viewport=viewport, locale=lang)
        page = person.page
        link = merchant.link(
            title="Beans", amount_type="variable", customer_fields={"email": "required"}
        )
        words = i18n.texts(lang)
        person.open(f"{link['url']}?locale={lang}")
        expect(page.locator("#pay-form")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page).to_have_title(words["page_title"])
        expect(page.locator("#cvc")).to_have_attribute("placeholder", words["cvc_placeholder"])
        person.shot(f"{lang}-form")
        no_axe_violations(page, axe_js)
        page.locator("#pay-button").click()
        expect(page.locator("#amount-error")).to_be_visible()
        expect(page.locator("#email-error")).to_be_visible()
        expect(page.locator("#card_number-error")).to_be_visible()
        person.shot(f"{lang}-errors")
        no_axe_violations(page, axe_js)
        page.locator("#amount").fill("12")
        page.locator("#email").fill("ann@example.com")
        page.locator("#card_number").fill("5555 5555 5555 4444")  # not a sandbox card
        page.locator("#expiry").fill("12 / 34")
        page.locator("#cvc").fill("123")
        page.locator("#pay-button").click()
        said = problems.decline("This sandbox accepts only its test cards.", lang)
        expect(page.locator("#form-notice")).to_have_text(
            " ".join(i18n.translate(lang, sentence) for sentence in said)
        )
        person.shot(f"{lang}-declined")
        no_axe_violations(page, axe_js)
        page.locator("#card_number").fill("4242 4242 4242 4242")
        page.locator("#pay-button").click()
        expect(page.locator("#success-heading")).to_be_focused()
        person.shot(f"{lang}-paid")
        no_axe_violations(page, axe_js)
        closed = merchant.link(title="Old beans")
        merchant.deactivate(closed["id"])
        person.open(f"{closed['url']}?locale={lang}")
        expect(page.locator("#screen-inactive")).to_be_visible()
        no_axe_violations(page, axe_js)
        person.open(f"{servers.checkout_url}/pay/plink_{'0' * 32}?locale={lang}")
        expect(page.locator("#screen-not-found")).to_be_visible()
        person.shot(f"{lang}-not-found")
        no_axe_violations(page, axe_js)
        assert person.external == [], person.external
