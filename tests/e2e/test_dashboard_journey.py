"""The whole product from a merchant's chair, in headless Chromium: ``paylinks up`` on a
clean data directory (embedded SQLite, jobs in-process, dashboard and checkout built and
served), then sign up → activate payments → a webhook endpoint → a reusable variable link
with a required email → the customer pays at the checkout → the transaction with its email
→ partial refund → full refund → the statuses → the webhook receiver holds the created,
paid and refund events, each with a valid signature; Ctrl-C stops everything.
Screenshots of each step go to tests/e2e/screenshots/journey-*.png."""

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from standardwebhooks import Webhook

from paylinks_api.webapps import READY_WITHIN
from tests.e2e.checkout_servers import CARD_OK, chromium_or_skip
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.processes import Process, free_port
from tests.e2e.test_checkout_browser import CHROMIUM_FLAGS, SCREENSHOTS
from tests.fakes.receiver import Receiver

WAIT_MS = 30_000
DESKTOP = {"width": 1360, "height": 900}
EMAIL = "owner@corner-bakery.test"
PASSWORD = "flour water salt yeast"
CUSTOMER_EMAIL = "ada@example.com"


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
