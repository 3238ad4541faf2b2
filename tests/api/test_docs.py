"""The interactive docs at ``/docs`` load nothing from another host: every file the page
names is served by the API itself, with the right type."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from paylinks_api.docs_assets import ASSETS_PATH, SWAGGER_UI_VERSION
from tests.factories import ApiClient

EXPECTED_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture
def backend() -> str:
    """The docs do not touch the database: SQLite is enough."""
    return "sqlite"


class References(HTMLParser):
    """Every URL a page loads by itself: scripts, stylesheets and icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        url = named.get("src") if tag in {"script", "img"} else None
        if tag == "link":
            url = named.get("href")
        if url:
            self.urls.append(url)


async def page_references(api: ApiClient, path: str) -> list[str]:
    response = await api.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = References()
    parser.feed(response.text)
    return parser.urls


class TestDocsPage:
    @pytest.mark.parametrize("path", ["/docs", "/docs/swagger"])
    async def test_references_no_other_host(self, api: ApiClient, path: str) -> None:
        urls = await page_references(api, path)
        assert len(urls) >= 3  # the script, the preset and the stylesheet at least
        for url in urls:
            parts = urlsplit(url)
            assert not parts.scheme, f"{url} is on another host"
            assert not parts.netloc, f"{url} is on another host"

    async def test_every_file_it_references_is_served_with_its_type(self, api: ApiClient) -> None:
        for url in await page_references(api, "/docs"):
            response = await api.client.get(urljoin("http://api.test/docs", url))
            assert response.status_code == 200, url
            suffix = "." + url.rsplit(".", 1)[-1]
            assert response.headers["content-type"].startswith(EXPECTED_TYPES[suffix]), url
            assert response.content, url

    async def test_it_loads_a_pinned_swagger_ui_that_reads_openapi_3_1(
        self, api: ApiClient
    ) -> None:
        urls = await page_references(api, "/docs")
        assert f"{ASSETS_PATH}/swagger-ui-bundle.js" in urls
        assert int(SWAGGER_UI_VERSION.split(".")[0]) >= 5  # OpenAPI 3.1 came in 5.0

    async def test_the_schema_is_still_beside_it(self, api: ApiClient) -> None:
        response = await api.client.get("/docs/openapi.json")
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.1")


class TestAssets:
    async def test_assets_may_be_cached_for_good(self, api: ApiClient) -> None:
        response = await api.client.get(f"{ASSETS_PATH}/swagger-ui.css")
        assert "immutable" in response.headers["cache-control"]

    @pytest.mark.parametrize("name", ["index.html", "swagger-initializer.js", "..%2F__init__.py"])
    async def test_other_files_of_the_package_are_not_served(
        self, api: ApiClient, name: str
    ) -> None:
        response = await api.client.get(f"{ASSETS_PATH}/{name}")
        assert response.status_code == 404
