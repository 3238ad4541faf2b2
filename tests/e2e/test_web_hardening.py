"""The web apps as ``paylinks up`` serves them, hardened (SPEC §10): a Content-Security-Policy
on every page (Stripe.js only on the checkout of a Stripe store's link), no framing, no
sniffing, a Referrer-Policy; no credentialed CORS answer to another site, on the pages or
on Reflex's ``/_event/`` endpoint, whose websocket refuses other origins; the dashboard's
session in an HttpOnly cookie after a real login in Chromium; and no CSP violation while
a merchant logs in and out or a customer pays."""

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from paylinks_cli.webapps import READY_WITHIN
from tests.e2e import test_dashboard_journey as journey
from tests.e2e.checkout_servers import CARD_OK, Merchant, chromium_or_skip
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.processes import Process, free_port
from tests.e2e.test_checkout_browser import STRIPE_KEYS
from tests.fakes.stripe_server import FakeStripe

WAIT_MS = 30_000
EVIL = "https://evil.example"
PAGE = {"accept": "text/html,application/xhtml+xml"}
#: Collects every CSP violation of the page (an init script runs before the page's own,
#: outside its policy).
WATCH_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', (e) => "
    "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@dataclass
class System:
    up: Process
    api_url: str
    dashboard_url: str
    checkout_url: str


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    chromium_or_skip()
    root = tmp_path_factory.mktemp("hardening")
    api_port, dashboard_port, checkout_port = free_port(), free_port(), free_port()
    with FakeStripe() as stripe:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
            "PAYLINKS_DATA_DIR": str(root / "data"),
            "PAYLINKS_API_URL": f"http://127.0.0.1:{api_port}",
            "PAYLINKS_DASHBOARD_URL": f"http://127.0.0.1:{dashboard_port}",
            "PAYLINKS_CHECKOUT_URL": f"http://127.0.0.1:{checkout_port}",
            "PAYLINKS_STRIPE_API_BASE": stripe.url,
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "100000",
            "PYTHONUNBUFFERED": "1",
        }
        up = Process("up", ["up", "--port", str(api_port)], env, root)
        try:
            deadline = time.monotonic() + READY_WITHIN
            while not all(f"{app}: ready on" in up.output() for app in ("dashboard", "checkout")):
                assert up.alive, up.output()[-5000:]
                assert time.monotonic() < deadline, up.output()[-5000:]
                time.sleep(0.5)
            yield System(up, *(env[f"PAYLINKS_{n}_URL"] for n in ("API", "DASHBOARD", "CHECKOUT")))
        finally:
            up.stop()


@pytest.fixture(autouse=True)
def report(system: System, request: pytest.FixtureRequest) -> None:
    request.node.stash[PROCESS_OUTPUT] = lambda: system.up.output()[-8000:]


#: One Chromium for the module, launched as the journey's is.
browser = journey.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(WATCH_CSP)
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield opened
    context.close()


def policy_of(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__csp"))


class TestHeaders:
    def test_the_dashboard_is_never_framed_and_runs_only_its_own_scripts(
        self, system: System
    ) -> None:
        for path in ("/login", "/payment-links", "/no-such-page"):
            response = httpx.get(
                system.dashboard_url + path, headers=PAGE, timeout=10, follow_redirects=True
            )
            assert response.headers["content-type"].startswith("text/html")
            policy = policy_of(response)
            assert policy["frame-ancestors"] == ["'none'"]
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
            scripts = policy["script-src"]
            assert scripts[0] == "'self'"
            # What the server sends the page to run (toasts, focus) Reflex runs with eval.
            assert scripts[-1] == "'unsafe-eval'"
            assert all(source.startswith("'sha256-") for source in scripts[1:-1]), scripts
            assert "'unsafe-inline'" not in scripts
            assert "https://js.stripe.com" not in scripts
            assert policy["img-src"] == ["'self'", "data:", "blob:", system.api_url]
        asset = httpx.get(system.dashboard_url + "/dashboard.css", timeout=10)
        assert asset.headers["x-content-type-options"] == "nosniff"

    def test_stripe_js_only_on_the_checkout_of_a_stripe_stores_link(self, system: System) -> None:
        sandbox = Merchant(system.api_url, system.up.log_path).link(title="Espresso beans")
        stripe = Merchant(
            system.api_url, system.up.log_path, name="Stripe Roasters", gateway=STRIPE_KEYS
        ).link(title="Filter beans")
        policies = {
            name: policy_of(httpx.get(url, headers=PAGE, timeout=10, follow_redirects=True))
            for name, url in (
                ("home", system.checkout_url + "/"),
                ("sandbox", sandbox["url"]),
                ("stripe", stripe["url"]),
            )
        }
        assert "https://js.stripe.com" in policies["stripe"]["script-src"]
        assert policies["stripe"]["frame-src"] == [
            "https://js.stripe.com",
            "https://hooks.stripe.com",
        ]
        for name in ("home", "sandbox"):
            assert "https://js.stripe.com" not in policies[name]["script-src"], name
            assert policies[name]["frame-src"] == ["'none'"], name
        for policy in policies.values():
            assert "'unsafe-inline'" not in policy["script-src"]
            assert policy["frame-ancestors"] == ["'none'"]


class TestCors:
    @pytest.mark.parametrize("app", ["dashboard", "checkout"])
    def test_another_site_gets_no_credentialed_answer(self, system: System, app: str) -> None:
        base = getattr(system, f"{app}_url")
        headers = {"origin": EVIL, "cookie": "paylinks_session=sess_x"}
        for path in ("/", "/login", "/_event/?EIO=4&transport=polling", "/_health", "/ping"):
            response = httpx.get(base + path, headers=headers, timeout=10)
            echoed = {k: v for k, v in response.headers.items() if k.startswith("access-control")}
            assert echoed == {}, (path, echoed)
        preflight = httpx.options(
            base + "/_event/",
            headers={"origin": EVIL, "access-control-request-method": "GET"},
            timeout=10,
        )
        assert "access-control-allow-origin" not in preflight.headers

    @pytest.mark.parametrize("app", ["dashboard", "checkout"])
    def test_the_event_websocket_refuses_another_sites_page(self, system: System, app: str) -> None:
        base: str = getattr(system, f"{app}_url")
        url = base.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
        with pytest.raises(InvalidStatus):
            connect(url, origin=Origin(EVIL), open_timeout=10).close()
        with connect(url, origin=Origin(base), open_timeout=10) as own:
            assert str(own.recv(timeout=10)).startswith("0")  # engine.io's open packet


class TestDashboardSession:
    def test_the_session_cookie_is_httponly_after_a_real_login(
        self, system: System, page: Page
    ) -> None:
        merchant = Merchant(system.api_url, system.up.log_path)
        page.goto(f"{system.dashboard_url}/login")
        page.get_by_label("Email").fill(merchant.email)
        page.get_by_label("Password").fill(merchant.password)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("store-name")).to_have_text("Acme Coffee")

        def session() -> dict[str, Any] | None:
            found = [c for c in page.context.cookies() if c["name"] == "paylinks_session"]
            return dict(found[0]) if found else None

        deadline = time.monotonic() + WAIT_MS / 1000
        while session() is None:
            assert time.monotonic() < deadline, page.context.cookies()
            time.sleep(0.2)
        # The swap's own navigation (/_session on to the links) ends before the test's next.
        page.wait_for_url(re.compile(r"/payment-links/?$"))
        page.wait_for_load_state("load")
        cookie = session()
        assert cookie is not None
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["value"].startswith("sess_")
        expect(page.get_by_test_id("store-name")).to_have_text("Acme Coffee")
        # The head scripts ran under the policy: the time zone cookie is there.
        assert "paylinks_tz" in {c["name"] for c in page.context.cookies()}
        # No script of the page sees it, nor its ticket any more.
        script_cookies = page.evaluate("document.cookie")
        assert "paylinks_session" not in script_cookies
        assert not re.search(r"paylinks_ticket=[^;]", script_cookies)
        assert cookie["value"] not in page.content()

        page.reload()  # a new page view: the cookie alone keeps the merchant signed in
        expect(page.get_by_test_id("store-name")).to_have_text("Acme Coffee")
        page.goto(f"{system.dashboard_url}/payment-links")
        expect(page.get_by_test_id("store-name")).to_have_text("Acme Coffee")

        page.get_by_test_id("logout").click()
        page.wait_for_url(re.compile(r"/login/?$"))
        deadline = time.monotonic() + WAIT_MS / 1000
        while session() is not None:
            assert time.monotonic() < deadline, page.context.cookies()
            time.sleep(0.2)
        page.goto(f"{system.dashboard_url}/payment-links")
        page.wait_for_url(re.compile(r"/login/?$"))
        assert violations(page) == []


class TestCheckoutUnderItsPolicy:
    def test_a_customer_pays_without_a_csp_violation(self, system: System, page: Page) -> None:
        link = Merchant(system.api_url, system.up.log_path).link(
            title="Espresso beans", amount=1450
        )
        page.goto(link["url"])
        expect(page.locator("#screen-loading")).to_have_count(0)
        page.get_by_label("Card number").fill(CARD_OK)
        page.get_by_label("Expiry date").fill("12 / 34")
        page.get_by_label("Security code").fill("123")
        page.get_by_role("button", name=re.compile(r"^Pay")).click()
        expect(page.locator("#screen-success")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "en"
        assert violations(page) == []
