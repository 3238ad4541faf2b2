"""Use cases of images: upload (verify and re-encode), look up, serve."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from paylinks.errors import NotFound
from paylinks.ids import Prefix, new_id
from paylinks.images import repository
from paylinks.images.model import StoredImage, reencode
from paylinks.stores.model import Principal

#: Decoding takes up to a second of CPU and tens of MB per image: it runs off the event
#: loop, on a pool of its own whose size bounds the memory that concurrent uploads take
#: (the others wait their turn). A pool rather than an asyncio.Semaphore, which would be
#: bound to the first event loop that waited on it.
REENCODE_CONCURRENCY = 2
_decoders = ThreadPoolExecutor(REENCODE_CONCURRENCY, thread_name_prefix="paylinks-image")


async def upload_image(principal: Principal, upload: bytes, now: datetime) -> StoredImage:
    image = await asyncio.get_running_loop().run_in_executor(_decoders, reencode, upload)
    image_id = new_id(Prefix.IMAGE)
    await repository.insert(image_id, principal.store_id, image, now)
    return StoredImage(
        id=image_id,
        store_id=principal.store_id,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        created_at=now,
    )


async def image_content(image_id: str) -> tuple[str, bytes]:
    """The re-encoded bytes, public: checkout pages show them to customers."""
    found = await repository.get_content(image_id)
    if found is None:
        raise NotFound("No such image.")
    return found
