"""Uploaded images: only real PNG/JPEG/WebP files, re-encoded without their metadata."""

import io
import os
import struct
import zlib
from typing import Any

import pytest
from PIL import Image, ImageFile, PngImagePlugin

from paylinks.errors import ValidationFailed
from paylinks.images.model import MAX_BYTES, MAX_PIXELS, MAX_SIDE, reencode

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ORIENTATION = 0x0112
MAKE = 0x010F


def encode(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB", **options: Any) -> bytes:
    image = Image.new(mode, size)
    if mode == "RGB":
        # Left half red, right half blue: enough structure to tell a rotation.
        image.paste((220, 20, 20), (0, 0, size[0] // 2, size[1]))
        image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def exif(**tags: Any) -> bytes:
    value = Image.Exif()
    value[MAKE] = "SecretCam 3000"
    for tag, item in tags.items():
        value[{"orientation": ORIENTATION}[tag]] = item
    return value.tobytes()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def rejected(upload: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        reencode(upload)
    assert [error.field for error in caught.value.errors] == ["file"]
    return caught.value.errors[0].message


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size, written by hand: cheap even for billions of pixels."""
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


class TestAccepted:
    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_is_re_encoded_in_the_same_format(self, fmt: str) -> None:
        result = reencode(encode(fmt))
        assert result.content_type == FORMATS[fmt]
        assert (result.width, result.height) == (40, 30)
        image = opened(result.data)
        assert image.format == fmt
        assert image.size == (40, 30)

    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_keeps_the_picture(self, fmt: str) -> None:
        image = opened(reencode(encode(fmt)).data).convert("RGB")
        red, _, blue = image.getpixel((5, 15))
        assert red > 150 > blue
        red, _, blue = image.getpixel((35, 15))
        assert blue > 150 > red

    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_drops_exif(self, fmt: str) -> None:
        upload = encode(fmt, exif=exif())
        assert b"SecretCam" in upload
        result = reencode(upload)
        assert b"SecretCam" not in result.data
        assert dict(opened(result.data).getexif()) == {}

    def test_drops_png_text_chunks(self) -> None:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "home address here")
        result = reencode(encode("PNG", pnginfo=info))
        assert b"home address" not in result.data
        assert "Comment" not in opened(result.data).info

    def test_drops_jpeg_comments(self) -> None:
        result = reencode(encode("JPEG", comment=b"private note"))
        assert b"private note" not in result.data

    @pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
    def test_drops_xmp(self, fmt: str) -> None:
        xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><gps>51.5N 0.1W</gps></x:xmpmeta>'
        upload = encode(fmt, xmp=xmp)
        assert b"51.5N" in upload
        assert b"51.5N" not in reencode(upload).data

    def test_drops_data_after_the_image(self) -> None:
        upload = encode("PNG") + b"<script>alert(1)</script>"
        result = reencode(upload)
        assert b"<script>" not in result.data
        assert opened(result.data).size == (40, 30)

    def test_applies_the_exif_orientation_before_dropping_it(self) -> None:
        # Orientation 6: the camera stored a 40x30 sensor image that is shown 30x40.
        result = reencode(encode("JPEG", exif=exif(orientation=6)))
        assert (result.width, result.height) == (30, 40)
        assert opened(result.data).size == (30, 40)

    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_a_large_image_is_shrunk_to_max_side(self, fmt: str) -> None:
        result = reencode(encode(fmt, size=(3000, 1500)))
        assert (result.width, result.height) == (MAX_SIDE, 1000)
        assert opened(result.data).size == (MAX_SIDE, 1000)

    def test_a_tall_image_is_shrunk_on_its_long_side(self) -> None:
        result = reencode(encode("PNG", size=(500, 4000)))
        assert (result.width, result.height) == (250, MAX_SIDE)

    def test_an_image_at_max_side_is_kept(self) -> None:
        result = reencode(encode("PNG", size=(MAX_SIDE, 10)))
        assert (result.width, result.height) == (MAX_SIDE, 10)

    def test_a_cmyk_jpeg_becomes_rgb(self) -> None:
        result = reencode(encode("JPEG", mode="CMYK"))
        assert opened(result.data).mode == "RGB"

    @pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
    def test_transparency_is_kept(self, fmt: str) -> None:
        image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
        image.paste((255, 0, 0, 255), (0, 0, 10, 20))
        out = io.BytesIO()
        image.save(out, format=fmt)
        result = opened(reencode(out.getvalue()).data).convert("RGBA")
        assert result.getpixel((15, 10))[3] == 0
        assert result.getpixel((5, 10))[3] == 255

    @pytest.mark.parametrize("mode", ["L", "P", "I;16", "1"])
    def test_other_png_modes_are_accepted(self, mode: str) -> None:
        result = reencode(encode("PNG", mode=mode))
        assert opened(result.data).format == "PNG"


class TestRefused:
    def test_an_empty_file(self) -> None:
        assert "empty" in rejected(b"")

    def test_a_file_over_5_mb(self) -> None:
        upload = encode("PNG") + os.urandom(MAX_BYTES)
        assert "5 MB" in rejected(upload)

    def test_a_file_of_exactly_5_mb_is_not_refused_for_its_size(self) -> None:
        upload = encode("PNG")
        upload += b"\0" * (MAX_BYTES - len(upload))
        assert reencode(upload).content_type == "image/png"

    @pytest.mark.parametrize("fmt", list(FORMATS))
    def test_a_truncated_image(self, fmt: str) -> None:
        upload = encode(fmt, size=(300, 300), **({"quality": 95} if fmt != "PNG" else {}))
        rejected(upload[: len(upload) // 2])

    @pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
    def test_another_image_format(self, fmt: str) -> None:
        rejected(encode(fmt, size=(16, 16)))

    def test_random_bytes(self) -> None:
        rejected(os.urandom(4096))

    def test_a_text_file(self) -> None:
        rejected(b"Hello, this is not an image.\n" * 10)

    def test_an_svg(self) -> None:
        rejected(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    def test_a_png_with_a_corrupt_chunk(self) -> None:
        upload = bytearray(encode("PNG", size=(100, 100)))
        upload[40] ^= 0xFF
        rejected(bytes(upload))

    def test_a_decompression_bomb(self) -> None:
        # 20000 x 20000 = 400 million pixels in about 50 KB.
        bomb = blank_png(20_000, 20_000)
        assert len(bomb) < MAX_BYTES
        rejected(bomb)

    def test_a_bomb_just_over_pillow_warning_threshold(self) -> None:
        rejected(blank_png(10_000, 10_000))

    def test_an_image_with_too_many_pixels(self) -> None:
        # 49 million pixels: under Pillow's own guard, over ours.
        rejected(blank_png(7_000, 7_000))

    def test_an_image_just_over_the_pixel_cap(self) -> None:
        assert MAX_PIXELS < 4001 * 4000
        assert "too many pixels" in rejected(blank_png(4001, 4000))

    @pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
    def test_other_formats_over_the_pixel_cap(self, fmt: str) -> None:
        assert "too many pixels" in rejected(encode(fmt, size=(4100, 4000)))

    def test_a_hand_written_png_of_ordinary_size_is_fine(self) -> None:
        assert reencode(blank_png(100, 50)).width == 100

    def test_a_4000_by_4000_photo_is_within_the_cap(self) -> None:
        result = reencode(encode("JPEG", size=(4000, 4000)))
        assert (result.width, result.height) == (MAX_SIDE, MAX_SIDE)


class TestParsers:
    def test_no_other_parser_ever_sees_the_bytes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # A parser registered after the built-in ones: Pillow would try it on bytes that
        # none of the others claim, unless told which formats to try.
        tried: list[bytes] = []

        def accept(prefix: bytes) -> bool:
            tried.append(prefix)
            return False

        Image.init()
        monkeypatch.setattr(Image, "ID", [*Image.ID, "SPY"])
        monkeypatch.setitem(Image.OPEN, "SPY", (ImageFile.ImageFile, accept))

        rejected(b"SPY!" + os.urandom(256))
        rejected(encode("GIF", size=(16, 16)))
        reencode(encode("PNG"))

        assert tried == []
