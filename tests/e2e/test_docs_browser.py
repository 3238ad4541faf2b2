"""The interactive docs in headless Chromium with every other host cut off, as on a
machine with no network: the page still shows the API's operations."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect, sync_playwright

from tests.e2e.checkout_servers import chromium_or_skip
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.lone_api import LoneApi, start_lone_api
from tests.e2e.test_checkout_browser import CHROMIUM_FLAGS

WAIT_MS = 20_000


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoneApi]:
    chromium_or_skip()
    started = start_lone_api(Path(tmp_path_factory.mktemp("docs")))
    try:
        yield started
    finally:
        started.stop()


def test_the_docs_render_with_no_other_host_reachable(
    api: LoneApi, request: pytest.FixtureRequest
) -> None:
    request.node.stash[PROCESS_OUTPUT] = api.report
    own_host = urlsplit(api.url).netloc
    blocked: list[str] = []
    failed: list[str] = []

    def only_the_api(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_or_skip(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            context = browser.new_context()
            context.route("**/*", only_the_api)
            page = context.new_page()
            page.on("requestfailed", lambda failure: failed.append(failure.url))
            page.goto(f"{api.url}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                "Paylinks API", timeout=WAIT_MS
            )
            operations = page.locator(".opblock")
            expect(operations.first).to_be_visible(timeout=WAIT_MS)
            assert operations.count() > 20
            expect(
                page.locator(".opblock-summary-path", has_text="/v1/payment-links").first
            ).to_be_visible()
        finally:
            browser.close()
    assert blocked == [], f"the docs asked for other hosts: {blocked}"
    assert failed == [], f"requests failed: {failed}"
