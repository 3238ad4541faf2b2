"""The web apps in production: ``paylinks checkout`` and ``paylinks dashboard`` served alone
against a separate ``paylinks api`` on PostgreSQL and Redis, from builds made once; two
checkout processes behind one address (a failover proxy) keep a customer's page in Redis,
so that the customer pays on when the process serving them dies."""

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from paylinks_cli.webserve import STATE_EXPIRY_SECONDS
from tests.e2e.checkout_servers import CARD_OK, Merchant, chromium_or_skip
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.dashboard_session import wait_signed_in
from tests.e2e.failover_proxy import FailoverProxy
from tests.e2e.processes import (
    POSTGRES_ADMIN_URL,
    REDIS_DB,
    REDIS_SERVER_URL,
    Api,
    Cluster,
    Process,
    create_database,
    drop_database,
    free_port,
    paylinks_command,
    require_servers,
    stop_all,
)
from tests.e2e.test_checkout_browser import CHROMIUM_FLAGS

#: A first build installs the frontend packages (about a minute on a busy machine).
BUILD_WITHIN = 600.0
#: A start that reuses its build answers within seconds; this bound only catches a rebuild.
REUSED_WITHIN = 60.0
WAIT_MS = 30_000
NAME, EMAIL = "Ada Lovelace", "ada@example.com"


@dataclass
class WebSystem:
    cluster: Cluster
    api: Api
    proxy: FailoverProxy
    checkouts: list[Process]
    checkout_ports: list[int]
    dashboard: Process
    dashboard_port: int
    env: dict[str, str]
    root: Path
    #: Seconds each start took until the app answered, for the report.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def dashboard_url(self) -> str:
        return f"http://127.0.0.1:{self.dashboard_port}"

    def start_web(self, name: str, app: str, port: int) -> Process:
        return start_web(self.cluster, self.env, name, app, port)


def start_web(cluster: Cluster, env: dict[str, str], name: str, app: str, port: int) -> Process:
    """``paylinks <app>`` on ``port``, its output beside the cluster's."""
    process = Process(name, [app, "--host", "127.0.0.1", "--port", str(port)], env, cluster.logs)
    cluster.every.append(process)
    return process


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_web(process: Process, port: int, within: float, since: float) -> float:
    """Seconds from ``since`` (its start) until the app answers /ping, or AssertionError
    with its log."""
    while not answers(f"http://127.0.0.1:{port}/ping"):
        assert process.alive, f"{process.name} exited:\n{process.output()[-5000:]}"
        assert time.monotonic() - since < within, process.output()[-5000:]
        time.sleep(0.2)
    return time.monotonic() - since


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSystem]:
    """An API on a fresh database, the checkout built by ``paylinks build`` then served by
    two processes behind a proxy (the customers' address), the dashboard built by its
    first start; the web apps keep page state in the cluster's Redis DB."""
    require_servers()
    chromium_or_skip()
    name = create_database()
    root = tmp_path_factory.mktemp("web-apps")
    cluster = Cluster(
        f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}", f"{REDIS_SERVER_URL}/{REDIS_DB}", root
    )
    cluster.redis.flushdb()
    proxy_port, dashboard_port = free_port(), free_port()
    checkout_ports = [free_port(), free_port()]
    cluster.env["PAYLINKS_CHECKOUT_URL"] = f"http://127.0.0.1:{proxy_port}"
    cluster.env["PAYLINKS_DASHBOARD_URL"] = f"http://127.0.0.1:{dashboard_port}"
    try:
        [api] = cluster.start_apis(1)
        env = {
            **cluster.env,
            "PAYLINKS_API_URL": api.url,
            "PAYLINKS_DATA_DIR": str(root / "web"),
        }
        with FailoverProxy(checkout_ports, proxy_port) as proxy:
            started = time.monotonic()
            dashboard = start_web(cluster, env, "dashboard-1", "dashboard", dashboard_port)
            system = WebSystem(
                cluster, api, proxy, [], checkout_ports, dashboard, dashboard_port, env, root
            )
            cluster.migrate()
            building = time.monotonic()
            built = subprocess.run(
                [*paylinks_command(), "build", "checkout"],
                env=env,
                cwd=root,
                capture_output=True,
                text=True,
                timeout=BUILD_WITHIN,
                check=False,
            )
            assert built.returncode == 0, built.stdout + built.stderr
            assert "checkout: built in" in built.stdout, built.stdout
            system.timings["checkout: paylinks build (cold)"] = time.monotonic() - building
            checkouts_started = time.monotonic()
            for number, port in enumerate(checkout_ports, 1):
                system.checkouts.append(system.start_web(f"checkout-{number}", "checkout", port))
            for process, port in zip(system.checkouts, checkout_ports, strict=True):
                system.timings[f"{process.name}: start (build reused)"] = wait_web(
                    process, port, REUSED_WITHIN, checkouts_started
                )
            system.timings["dashboard-1: first start (builds)"] = wait_web(
                system.dashboard, dashboard_port, BUILD_WITHIN, started
            )
            cluster.wait_ready([api])
            yield system
    finally:
        stop_all(cluster.every)
        drop_database(name)
        cluster.redis.flushdb()
        cluster.redis.close()


@pytest.fixture(autouse=True)
def report(web: WebSystem, request: pytest.FixtureRequest) -> None:
    request.node.stash[PROCESS_OUTPUT] = web.cluster.report


@pytest.fixture(scope="module")
def browser(web: WebSystem) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_or_skip(), headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    context.close()


def test_every_start_but_the_first_reuses_the_build(web: WebSystem) -> None:
    for process in web.checkouts:
        output = process.output()
        assert "checkout: build reused" in output
        assert "checkout: building" not in output
    assert "dashboard: building" in web.dashboard.output()

    web.dashboard.stop()
    restarted = time.monotonic()
    again = web.start_web("dashboard-2", "dashboard", web.dashboard_port)
    seconds = wait_web(again, web.dashboard_port, REUSED_WITHIN, restarted)
    web.timings["dashboard-2: second start (build reused)"] = seconds
    web.dashboard = again
    assert "dashboard: build reused" in again.output()
    assert "dashboard: building" not in again.output()
    print("\nWeb app start times:")
    for what, taken in web.timings.items():
        print(f"  {what}: {taken:.1f} s")
    assert seconds < web.timings["dashboard-1: first start (builds)"]


def test_each_app_answers_readiness_for_a_load_balancer(web: WebSystem) -> None:
    for port in [*web.checkout_ports, web.dashboard_port]:
        ready = httpx.get(f"http://127.0.0.1:{port}/_health", timeout=5)
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": True, "redis": True}


def test_a_customer_pays_on_through_the_other_checkout_and_the_merchant_sees_it(
    web: WebSystem, page: Page
) -> None:
    expect.set_options(timeout=WAIT_MS)
    merchant = Merchant(web.api.url, web.api.log_path)
    link = merchant.link(
        title="Pottery class", amount=1450, customer_fields={"customer_name": "required"}
    )
    assert link["url"].startswith(web.proxy.url)

    page.goto(link["url"])
    expect(page.locator("#screen-loading")).to_have_count(0)
    expect(page.get_by_role("heading", name="Pottery class")).to_be_visible()
    page.locator("#customer_name").fill(NAME)
    page.get_by_label("Card number").fill(CARD_OK)
    page.get_by_label("Expiry date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    second = web.checkout_ports[1]
    assert web.proxy.connections[second] == 0, "the page was served by the first checkout"

    web.checkouts[0].kill()
    deadline = time.monotonic() + WAIT_MS / 1000
    while web.proxy.connections[second] == 0:
        assert time.monotonic() < deadline, "the page did not reconnect through the proxy"
        time.sleep(0.2)
    expect(page.locator("#customer_name")).to_have_value(NAME)
    page.get_by_role("button", name="Pay £14.50").click()
    expect(page.locator("#screen-success")).to_be_visible()

    [payment] = merchant.payments(link["id"])
    assert payment["status"] == "succeeded"
    assert payment["customer"]["customer_name"] == NAME
    expect(page.locator("#payment-reference")).to_have_text(payment["reference"])
    expiries = [web.cluster.redis.ttl(key) for key in web.cluster.redis.scan_iter("*")]
    assert any(0 < ttl <= STATE_EXPIRY_SECONDS for ttl in expiries), expiries

    page.goto(f"{web.dashboard_url}/login")
    page.get_by_label("Email").fill(merchant.email)
    page.get_by_label("Password").fill(merchant.password)
    page.get_by_test_id("login-submit").click()
    wait_signed_in(page)
    expect(page.get_by_test_id("store-name")).to_have_text("Acme Coffee")
    page.goto(f"{web.dashboard_url}/payment-links/{link['id']}")
    page.get_by_test_id("tab-transactions").click()
    row = page.get_by_test_id("payment-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("£14.50")
    expect(row).to_contain_text("Succeeded")
