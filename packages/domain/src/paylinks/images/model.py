"""Uploaded images: verified, size-limited and re-encoded, never served as uploaded.

Re-encoding drops whatever the upload carried besides pixels (metadata, trailing data,
a polyglot payload); the decompression-bomb guard bounds the pixels we agree to decode, and
only the three accepted formats' parsers ever see the bytes.
"""

import io
import warnings
from datetime import datetime
from typing import Any

import msgspec
from PIL import Image, ImageOps, UnidentifiedImageError

from paylinks.errors import FieldError, ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
#: A 4000 x 4000 photo, and no more: decoding costs CPU and memory in proportion to the
#: pixels (about 4 bytes each), whatever the size of the file.
MAX_PIXELS = 16_000_000
MAX_SIDE = 2000

_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
#: Pillow tries every parser it has unless told which: keep the others (and their bugs)
#: away from untrusted bytes.
_PARSERS = list(_FORMATS)
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88},
}


class StoredImage(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    content_type: str
    width: int
    height: int
    created_at: datetime


class EncodedImage(msgspec.Struct, frozen=True):
    content_type: str
    width: int
    height: int
    data: bytes


def _reject(message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("file", message)])


def reencode(upload: bytes) -> EncodedImage:
    """Verify an upload is a PNG, JPEG or WebP image and re-encode it in the same format,
    shrunk to at most MAX_SIDE pixels a side."""
    if not upload:
        raise _reject("The file is empty.")
    if len(upload) > MAX_BYTES:
        raise _reject("Images are at most 5 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload), formats=_PARSERS) as probe:
                # Only the header is read so far: refuse a bomb before any pixel is decoded.
                if probe.width * probe.height > MAX_PIXELS:
                    raise _reject("The image has too many pixels.")
                probe.verify()
            image: Image.Image = Image.open(io.BytesIO(upload), formats=_PARSERS)
            kind = image.format or ""
            if kind not in _FORMATS:
                raise _reject("Upload a PNG, JPEG or WebP image.")
            image.load()
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise _reject("The file is not a readable PNG, JPEG or WebP image.") from None

    # Turn the pixels the way the camera meant, since the EXIF tag is not kept.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif kind != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # Nothing of the upload's metadata (comments, EXIF, XMP, text chunks) is written out;
    # only a palette's transparency, which is part of the pixels.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    image.save(out, format=kind, **_SAVE_OPTIONS[kind])
    return EncodedImage(_FORMATS[kind], image.width, image.height, out.getvalue())
