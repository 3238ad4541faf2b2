from datetime import datetime
from typing import Any

from paylinks.images.model import EncodedImage, StoredImage
from paylinks.images.tables import ImageTable

_META = (
    ImageTable.id,
    ImageTable.store_id,
    ImageTable.content_type,
    ImageTable.width,
    ImageTable.height,
    ImageTable.created_at,
)


async def insert(image_id: str, store_id: str, image: EncodedImage, now: datetime) -> None:
    await ImageTable.insert(
        ImageTable(
            id=image_id,
            store_id=store_id,
            content_type=image.content_type,
            width=image.width,
            height=image.height,
            data=image.data,
            created_at=now,
        )
    )


async def get(store_id: str, image_id: str) -> StoredImage | None:
    row = (
        await ImageTable.select(*_META)
        .where((ImageTable.id == image_id) & (ImageTable.store_id == store_id))
        .first()
    )
    return StoredImage(**row) if row else None


async def get_content(image_id: str) -> tuple[str, bytes] | None:
    row: dict[str, Any] | None = (
        await ImageTable.select(ImageTable.content_type, ImageTable.data)
        .where(ImageTable.id == image_id)
        .first()
    )
    return (row["content_type"], bytes(row["data"])) if row else None
