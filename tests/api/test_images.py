"""Image uploads: PNG, JPEG or WebP up to 5 MB, verified and re-encoded, served publicly
by id, and shown on a link as ``image_url``."""

import asyncio
import io
import os
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image, PngImagePlugin

from paylinks.images import service as images
from paylinks.images.model import EncodedImage, reencode
from tests.factories import ApiClient, image_bytes, upload_image

PROBLEM_JSON = "application/problem+json"
FORMATS = [
    ("PNG", "image/png", "png"),
    ("JPEG", "image/jpeg", "jpg"),
    ("WEBP", "image/webp", "webp"),
]


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


class TestUpload:
    @pytest.mark.parametrize(("fmt", "content_type", "ext"), FORMATS, ids=[f[0] for f in FORMATS])
    async def test_real_image_is_201(
        self, api: ApiClient, fmt: str, content_type: str, ext: str
    ) -> None:
        store = await api.create_store()

        response = await upload_image(
            store, image_bytes(fmt, (64, 48)), f"logo.{ext}", content_type
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["id"].startswith("img_")
        assert body["url"] == f"http://api.test/v1/images/{body['id']}"
        assert body["content_type"] == content_type
        assert (body["width"], body["height"]) == (64, 48)

    async def test_large_image_is_shrunk(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await upload_image(store, image_bytes("PNG", (3000, 1500)))

        assert response.status_code == 201, response.text
        assert (response.json()["width"], response.json()["height"]) == (2000, 1000)

    async def test_declared_content_type_does_not_decide_the_format(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await upload_image(store, image_bytes("JPEG"), "logo.png", "image/png")

        assert response.status_code == 201, response.text
        assert response.json()["content_type"] == "image/jpeg"

    async def test_a_4000_by_4000_photo_is_accepted(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await upload_image(
            store, image_bytes("JPEG", (4000, 4000)), "photo.jpg", "image/jpeg"
        )

        assert response.status_code == 201, response.text
        assert (response.json()["width"], response.json()["height"]) == (2000, 2000)

    async def test_upload_needs_a_key(self, api: ApiClient) -> None:
        response = await api.client.post(
            "/v1/images", files={"file": ("logo.png", image_bytes(), "image/png")}
        )

        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


class TestContent:
    @pytest.mark.parametrize(("fmt", "content_type", "ext"), FORMATS, ids=[f[0] for f in FORMATS])
    async def test_served_without_auth_in_its_format(
        self, api: ApiClient, fmt: str, content_type: str, ext: str
    ) -> None:
        store = await api.create_store()
        uploaded = (
            await upload_image(store, image_bytes(fmt, (64, 48)), f"logo.{ext}", content_type)
        ).json()

        response = await api.client.get(urlsplit(uploaded["url"]).path)

        assert response.status_code == 200
        assert response.headers["content-type"] == content_type
        assert response.headers["x-content-type-options"] == "nosniff"
        with Image.open(io.BytesIO(response.content)) as served:
            assert served.format == fmt
            assert served.size == (64, 48)

    async def test_served_bytes_are_re_encoded(self, api: ApiClient) -> None:
        # Metadata and trailing bytes of the upload never reach a customer's browser.
        store = await api.create_store()
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "UPLOADED-METADATA")
        upload = image_bytes("PNG", (32, 32), pnginfo=info) + b"<script>TRAILING</script>"
        uploaded = await upload_image(store, upload)
        assert uploaded.status_code == 201, uploaded.text

        response = await api.client.get(f"/v1/images/{uploaded.json()['id']}")

        assert response.status_code == 200
        assert response.content != upload
        assert b"UPLOADED-METADATA" not in response.content
        assert b"TRAILING" not in response.content
        with Image.open(io.BytesIO(response.content)) as served:
            served.verify()

    async def test_unknown_image_is_404(self, api: ApiClient) -> None:
        response = await api.client.get("/v1/images/img_" + "0" * 32)

        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


def _truncated_png() -> bytes:
    data = image_bytes("PNG", (200, 200), color="purple")
    return data[: len(data) // 2]


class TestRejected:
    @pytest.mark.parametrize(
        ("filename", "content", "content_type"),
        [
            ("notes.txt", b"just some words, not pixels\n", "text/plain"),
            ("logo.png", b"plain text pretending to be a PNG", "image/png"),
            ("logo.png", _truncated_png(), "image/png"),
            ("logo.png", b"", "image/png"),
            ("logo.gif", image_bytes("GIF"), "image/gif"),
            ("logo.bmp", image_bytes("BMP"), "image/bmp"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        ],
        ids=["text", "text-as-png", "truncated-png", "empty", "gif", "bmp", "svg"],
    )
    async def test_not_a_png_jpeg_or_webp_is_422_on_file(
        self, api: ApiClient, filename: str, content: bytes, content_type: str
    ) -> None:
        store = await api.create_store()

        response = await upload_image(store, content, filename, content_type)

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert fields(response) == ["file"]

    async def test_missing_file_field_is_422_on_file(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post(
            "/v1/images", files={"image": ("logo.png", image_bytes(), "image/png")}
        )

        assert response.status_code == 422, response.text
        assert fields(response) == ["file"]

    async def test_over_the_pixel_cap_is_422_on_file(self, api: ApiClient) -> None:
        store = await api.create_store()
        # 16.4 million pixels of one colour: a small file, a large decode.
        content = image_bytes("PNG", (4100, 4000))
        assert len(content) < 200_000

        response = await upload_image(store, content)

        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        assert fields(response) == ["file"]
        assert "too many pixels" in response.json()["errors"][0]["message"]

    @pytest.mark.parametrize(
        "size", [5 * 1024 * 1024 + 1, 6 * 1024 * 1024], ids=["5MB-and-a-byte", "6MB"]
    )
    async def test_over_5_mb_is_refused_not_500(self, api: ApiClient, size: int) -> None:
        store = await api.create_store()
        # A real PNG header followed by incompressible bytes: big, whatever it is.
        content = image_bytes("PNG", (8, 8)) + os.urandom(size)

        response = await upload_image(store, content)

        assert response.status_code in (413, 422), response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        if response.status_code == 422:
            assert fields(response) == ["file"]


class TestDecodingOffTheLoop:
    """Decoding is slow (CPU and memory in proportion to the pixels): it runs in worker
    threads, a few at a time, while the API goes on answering."""

    async def test_other_requests_are_answered_while_an_image_decodes(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = await api.create_store()
        decoding, release = threading.Event(), threading.Event()

        def slow_reencode(upload: bytes) -> EncodedImage:
            decoding.set()
            # On the event loop this would hold up every request until it gave up.
            release.wait(timeout=5)
            return reencode(upload)

        monkeypatch.setattr(images, "reencode", slow_reencode)
        upload = asyncio.create_task(upload_image(store, image_bytes()))
        assert await asyncio.to_thread(decoding.wait, 5)

        other = await asyncio.wait_for(store.get("/v1/store"), timeout=2)

        assert other.status_code == 200
        assert not upload.done()
        release.set()
        assert (await upload).status_code == 201

    async def test_at_most_a_few_images_decode_at_once(
        self, api: ApiClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store = await api.create_store()
        lock = threading.Lock()
        running, most = 0, 0

        def counting_reencode(upload: bytes) -> EncodedImage:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.1)
                return reencode(upload)
            finally:
                with lock:
                    running -= 1

        monkeypatch.setattr(images, "reencode", counting_reencode)

        responses = await asyncio.gather(*(upload_image(store, image_bytes()) for _ in range(6)))

        assert [r.status_code for r in responses] == [201] * 6
        assert most == images.REENCODE_CONCURRENCY == 2


class TestLinkImage:
    async def test_link_with_image_id_carries_image_url(self, api: ApiClient) -> None:
        store = await api.create_store()
        image = (await upload_image(store, image_bytes())).json()

        link = await store.create_link(image_id=image["id"])
        fetched = (await store.get(f"/v1/payment-links/{link['id']}")).json()

        assert link["image_url"] == image["url"]
        assert fetched["image_url"] == image["url"]
        served = await api.client.get(urlsplit(link["image_url"]).path)
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/png"

    async def test_link_without_image_has_no_image_url(self, api: ApiClient) -> None:
        store = await api.create_store()

        link = await store.create_link()

        assert link["image_url"] is None

    async def test_unknown_image_id_is_422_on_image_id(self, api: ApiClient) -> None:
        store = await api.create_store()

        response = await store.post(
            "/v1/payment-links",
            json={"title": "Tea", "amount": 300, "image_id": "img_" + "0" * 32},
        )

        assert response.status_code == 422
        assert fields(response) == ["image_id"]
