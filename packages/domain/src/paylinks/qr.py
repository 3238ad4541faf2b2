"""QR codes of a link's URL, as PNG or SVG, made with the ``qrcode`` package.

The output depends only on the URL and the size, so it is cached in memory and its ETag
is a digest of those inputs.
"""

import hashlib
import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from qrcode.image.pil import PilImage

MIN_SIZE = 64
MAX_SIZE = 2048
DEFAULT_SIZE = 512
_BORDER = 4


def etag(url: str, kind: str, size: int) -> str:
    digest = hashlib.sha256(f"{kind}:{size}:{url}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=_BORDER)
    code.add_data(url)
    code.make(fit=True)
    return code


@lru_cache(maxsize=1024)
def png(url: str, size: int = DEFAULT_SIZE) -> bytes:
    """A PNG about ``size`` pixels wide: modules are whole pixels, so it is at most that."""
    code = _code(url)
    modules = code.modules_count + 2 * _BORDER
    code.box_size = max(1, size // modules)
    image = code.make_image(image_factory=PilImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


@lru_cache(maxsize=1024)
def svg(url: str) -> bytes:
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return str(image.to_string(encoding="unicode")).encode()
