"""Which images the dashboard accepts before sending them to ``POST /v1/images`` (pure):
a link's image and the store's logo. The API checks every file again."""

from collections.abc import Mapping, Sequence
from typing import Any

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}
IMAGE_TOO_BIG = "Images are at most 5 MB."
IMAGE_NOT_ACCEPTED = "Upload a PNG, JPEG or WebP image."


def rejection_message(rejected: Sequence[Mapping[str, Any]]) -> str:
    """What the browser's file picker refused (react-dropzone's error codes), in words."""
    codes = {
        str(error.get("code") or "")
        for item in rejected
        for error in (item.get("errors") or [])
        if isinstance(error, Mapping)
    }
    if "file-too-large" in codes:
        return IMAGE_TOO_BIG
    if "too-many-files" in codes:
        return "Choose one image."
    return IMAGE_NOT_ACCEPTED


def _known_extension(filename: str) -> bool:
    name = filename.lower()
    return any(name.endswith(ext) for exts in IMAGE_TYPES.values() for ext in exts)


def upload_problem(filename: str, content_type: str, size: int) -> str:
    """Why an upload is refused before it is sent, or nothing."""
    if size > IMAGE_MAX_BYTES:
        return IMAGE_TOO_BIG
    if size == 0:
        return "The file is empty."
    if content_type not in IMAGE_TYPES and not _known_extension(filename):
        return IMAGE_NOT_ACCEPTED
    return ""


def image_content_type(filename: str, content_type: str) -> str:
    """The type to send for an upload: the browser's, or one from the file's extension."""
    if content_type in IMAGE_TYPES:
        return content_type
    name = filename.lower()
    for kind, extensions in IMAGE_TYPES.items():
        if any(name.endswith(ext) for ext in extensions):
            return kind
    return content_type or "application/octet-stream"
