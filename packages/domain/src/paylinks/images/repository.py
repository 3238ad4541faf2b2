from datetime import datetime
from typing import Any

from paylinks.images.model import EncodedImage, StoredImage
from paylinks.images.tables import ImageTable as T

_META = (T.id, T.store_id, T.content_type, T.width, T.height, T.created_at)


async def insert(image_id: str, store_id: str, image: EncodedImage, now: datetime) -> None:
    await T.insert(
        T(
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
    row = await T.select(*_META).where((T.id == image_id) & (T.store_id == store_id)).first()
    return StoredImage(**row) if row else None


async def get_content(image_id: str) -> tuple[str, bytes] | None:
    row: dict[str, Any] | None = (
        await T.select(T.content_type, T.data).where(T.id == image_id).first()
    )
    return (row["content_type"], bytes(row["data"])) if row else None
