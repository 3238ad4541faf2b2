"""QR codes: the PNG and the SVG both decode to exactly the link's URL."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from paylinks import qr

URLS = [
    "http://127.0.0.1:3001/pay/plink_019dbc4d828174419d9ff9fae24aea7b",
    "https://pay.example.com/pay/plink_019dbc4d828174419d9ff9fae24aea7b",
    "https://checkout.example.co.uk/pay/plink_019dbc4d828174419d9ff9fae24aea7b?lang=en&x=%20",
]
URL = URLS[0]
SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def png_image(url: str, size: int = qr.DEFAULT_SIZE) -> Image.Image:
    return Image.open(io.BytesIO(qr.png(url, size)))


def rasterize_svg(data: bytes, scale: int = 8) -> Image.Image:
    """Draw the squares of qrcode's SVG path: enough to let a reader decode it."""
    root = ET.fromstring(data)
    _, _, width, height = (int(float(v)) for v in root.attrib["viewBox"].split())
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    path = root.find(f"{SVG_NS}path")
    assert path is not None
    squares = re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path.attrib["d"])
    assert squares
    for x0, y0, x1, y1 in squares:
        draw.rectangle(
            (int(x0) * scale, int(y0) * scale, int(x1) * scale - 1, int(y1) * scale - 1), fill=0
        )
    return image


class TestPng:
    @pytest.mark.parametrize("url", URLS)
    def test_decodes_to_exactly_the_url(self, url: str) -> None:
        assert decode(png_image(url)) == [url]

    def test_is_a_png(self) -> None:
        assert qr.png(URL).startswith(b"\x89PNG\r\n\x1a\n")
        assert png_image(URL).format == "PNG"

    @pytest.mark.parametrize("size", [qr.MIN_SIZE, 100, 128, qr.DEFAULT_SIZE, 1000, qr.MAX_SIZE])
    def test_is_square_and_at_most_the_size(self, size: int) -> None:
        image = png_image(URL, size)
        assert image.width == image.height
        assert size / 2 < image.width <= size

    @pytest.mark.parametrize("size", [qr.MIN_SIZE, qr.MAX_SIZE])
    def test_decodes_at_the_extreme_sizes(self, size: int) -> None:
        assert decode(png_image(URL, size)) == [URL]

    def test_grows_with_the_size(self) -> None:
        assert png_image(URL, 1024).width > png_image(URL, 256).width

    def test_is_stable(self) -> None:
        assert qr.png(URL, 300) == qr.png(URL, 300)

    def test_differs_by_url(self) -> None:
        assert qr.png(URLS[0]) != qr.png(URLS[1])


class TestSvg:
    @pytest.mark.parametrize("url", URLS)
    def test_is_valid_svg_xml(self, url: str) -> None:
        data = qr.svg(url)
        assert b"<svg" in data
        assert ET.fromstring(data).tag == f"{SVG_NS}svg"

    @pytest.mark.parametrize("url", URLS)
    def test_decodes_to_exactly_the_url(self, url: str) -> None:
        assert decode(rasterize_svg(qr.svg(url))) == [url]

    def test_is_stable(self) -> None:
        assert qr.svg(URL) == qr.svg(URL)


class TestEtag:
    def test_is_a_quoted_string(self) -> None:
        assert re.fullmatch(r'"[0-9a-f]{32}"', qr.etag(URL, "png", 512))

    def test_is_stable(self) -> None:
        assert qr.etag(URL, "png", 512) == qr.etag(URL, "png", 512)

    def test_differs_by_url(self) -> None:
        assert qr.etag(URLS[0], "png", 512) != qr.etag(URLS[1], "png", 512)

    def test_differs_by_size(self) -> None:
        assert qr.etag(URL, "png", 512) != qr.etag(URL, "png", 256)

    def test_differs_by_kind(self) -> None:
        assert qr.etag(URL, "png", 0) != qr.etag(URL, "svg", 0)
