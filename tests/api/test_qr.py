"""QR codes of a link: exactly its ``url``, as PNG (optional ``size``) or SVG, cacheable."""

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.factories import ApiClient, StoreClient

PROBLEM_JSON = "application/problem+json"


def decode(png: bytes) -> str:
    with Image.open(io.BytesIO(png)) as image:
        barcodes = zxingcpp.read_barcodes(image)
    assert barcodes, "no QR code found in the PNG"
    return str(barcodes[0].text)


async def link_and_store(api: ApiClient, **fields: Any) -> tuple[StoreClient, dict[str, Any]]:
    store = await api.create_store()
    return store, await store.create_link(**fields)


class TestPng:
    async def test_decodes_to_exactly_the_link_url(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        assert decode(response.content) == link["url"]
        assert link["url"] == f"http://checkout.test/pay/{link['id']}"

    async def test_each_link_has_its_own_code(self, api: ApiClient) -> None:
        store, first = await link_and_store(api)
        second = await store.create_link(title="Decaf")

        one = await store.get(f"/v1/payment-links/{first['id']}/qr.png")
        two = await store.get(f"/v1/payment-links/{second['id']}/qr.png")

        assert decode(one.content) == first["url"]
        assert decode(two.content) == second["url"]
        assert one.headers["etag"] != two.headers["etag"]

    async def test_inactive_link_still_has_its_code(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png")

        assert response.status_code == 200
        assert decode(response.content) == link["url"]

    @pytest.mark.parametrize("size", [64, 128, 300, 512, 1000, 2048])
    async def test_size_is_respected(self, api: ApiClient, size: int) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png", params={"size": size})

        assert response.status_code == 200, response.text
        with Image.open(io.BytesIO(response.content)) as image:
            width, height = image.size
        assert width == height
        # Modules are whole pixels, so the code is at most ``size`` and close to it.
        assert size // 2 < width <= size
        assert decode(response.content) == link["url"]

    async def test_default_size_is_at_most_512(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png")

        with Image.open(io.BytesIO(response.content)) as image:
            assert 256 < image.size[0] <= 512

    @pytest.mark.parametrize("size", ["0", "-1", "63", "2049", "100000", "big", "1.5", ""])
    async def test_out_of_range_size_is_422_on_size(self, api: ApiClient, size: str) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png", params={"size": size})

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert [e["field"] for e in response.json()["errors"]] == ["size"]


class TestPngCaching:
    async def test_has_an_etag_and_cache_control(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.png")

        assert response.headers["etag"].startswith('"')
        assert "max-age" in response.headers["cache-control"]

    async def test_if_none_match_with_the_etag_is_304(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        path = f"/v1/payment-links/{link['id']}/qr.png"
        etag = (await store.get(path)).headers["etag"]

        response = await store.get(path, headers={"If-None-Match": etag})

        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag

    async def test_etag_in_a_list_is_304(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        path = f"/v1/payment-links/{link['id']}/qr.png"
        etag = (await store.get(path)).headers["etag"]

        response = await store.get(path, headers={"If-None-Match": f'"stale", {etag}'})

        assert response.status_code == 304

    async def test_other_etag_gets_the_image(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        path = f"/v1/payment-links/{link['id']}/qr.png"

        response = await store.get(path, headers={"If-None-Match": '"not-this-one"'})

        assert response.status_code == 200
        assert decode(response.content) == link["url"]

    async def test_etag_is_stable_and_differs_by_size(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        path = f"/v1/payment-links/{link['id']}/qr.png"

        first = await store.get(path, params={"size": 256})
        again = await store.get(path, params={"size": 256})
        bigger = await store.get(path, params={"size": 1024})

        assert first.headers["etag"] == again.headers["etag"]
        assert first.headers["etag"] != bigger.headers["etag"]
        # An ETag of one size does not validate another size.
        stale = await store.get(
            path, params={"size": 1024}, headers={"If-None-Match": first.headers["etag"]}
        )
        assert stale.status_code == 200


class TestSvg:
    async def test_served_as_svg_with_an_etag(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)

        response = await store.get(f"/v1/payment-links/{link['id']}/qr.svg")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.headers["etag"].startswith('"')
        root = ET.fromstring(response.content)
        assert root.tag.endswith("svg")

    async def test_if_none_match_with_the_etag_is_304(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)
        path = f"/v1/payment-links/{link['id']}/qr.svg"
        etag = (await store.get(path)).headers["etag"]

        response = await store.get(path, headers={"If-None-Match": etag})

        assert response.status_code == 304
        assert response.content == b""

    async def test_svg_and_png_etags_differ(self, api: ApiClient) -> None:
        store, link = await link_and_store(api)

        svg = await store.get(f"/v1/payment-links/{link['id']}/qr.svg")
        png = await store.get(f"/v1/payment-links/{link['id']}/qr.png")

        assert svg.headers["etag"] != png.headers["etag"]


class TestMissing:
    @pytest.mark.parametrize("kind", ["png", "svg"])
    async def test_unknown_link_is_404(self, api: ApiClient, kind: str) -> None:
        store = await api.create_store()

        response = await store.get(f"/v1/payment-links/plink_{'0' * 32}/qr.{kind}")

        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM_JSON)

    @pytest.mark.parametrize("kind", ["png", "svg"])
    async def test_needs_a_key(self, api: ApiClient, kind: str) -> None:
        _, link = await link_and_store(api)

        response = await api.client.get(f"/v1/payment-links/{link['id']}/qr.{kind}")

        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
