"""An image the merchant picked, sent to ``POST /v1/images``: for a link's image and the
store's logo. Returns the uploaded image or the message to show, never raises."""

from typing import Any

import reflex as rx

from dashboard import api
from dashboard.failures import UNREACHABLE
from dashboard.image_rules import IMAGE_MAX_BYTES, image_content_type, upload_problem


async def upload_first(
    client: api.DashboardApi, files: list[rx.UploadFile]
) -> tuple[dict[str, Any] | None, str, str]:
    """(the image, "", its file name), or (None, why not, "")."""
    upload = files[0]
    filename = upload.name or "image"
    data = upload.file.read(IMAGE_MAX_BYTES + 1)
    content_type = image_content_type(filename, upload.content_type or "")
    problem = upload_problem(filename, content_type, len(data))
    if problem:
        return None, problem, ""
    try:
        image = await client.upload_image(filename, data, content_type)
    except api.Problem as refused:
        return None, refused.errors.get("file") or refused.detail, ""
    except api.Unreachable:
        return None, UNREACHABLE, ""
    return dict(image), "", filename
