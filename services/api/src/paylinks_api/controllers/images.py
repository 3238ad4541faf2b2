"""Image uploads for links (verified and re-encoded) and their public, cacheable content."""

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from paylinks.errors import FieldError, ValidationFailed
from paylinks.images import service as images
from paylinks.images.model import MAX_BYTES, StoredImage
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx
from paylinks_api.openapi import BEARER, created

ImageId = Annotated[str, object_id("An image id (img_…)")]


class ImageUpload(msgspec.Struct):
    file: UploadFile


class ImageOut(msgspec.Struct, kw_only=True):
    id: str
    url: str
    content_type: str
    width: int
    height: int
    created_at: str


class ImageController(Controller):
    path = "/v1/images"
    tags = ["Images"]

    @post(
        "/",
        request_max_body_size=MAX_BYTES + 64 * 1024,
        security=BEARER,
        **created("/v1/images/{id}"),
    )
    async def upload_image(
        self,
        principal: Caller,
        ctx: Ctx,
        data: Annotated[ImageUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImageOut:
        """Upload a PNG, JPEG or WebP image (field ``file``, up to 5 MB)."""
        if not isinstance(data.file, UploadFile):
            raise ValidationFailed([FieldError("file", "Send the image as the file field.")])
        content = await data.file.read(MAX_BYTES + 1)
        image = await images.upload_image(principal, content, ctx.clock())
        return _out(image, ctx)

    @get("/{image_id:str}", media_type="application/octet-stream")
    async def get_image(self, image_id: ImageId) -> Response[bytes]:
        """The image itself; public, since checkout pages show it to customers."""
        content_type, data = await images.image_content(image_id)
        return Response(
            data,
            media_type=content_type,
            headers={
                "Cache-Control": "public, max-age=31536000, immutable",
                "X-Content-Type-Options": "nosniff",
            },
        )


def _out(image: StoredImage, ctx: Ctx) -> ImageOut:
    return ImageOut(
        id=image.id,
        url=ctx.urls.image_url(image.id),
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        created_at=image.created_at.isoformat(),
    )
