from datetime import datetime

from paylinks.idempotency.model import StoredResponse
from paylinks.idempotency.tables import IdempotencyTable as T


class Record:
    __slots__ = ("created_at", "request_hash", "response")

    def __init__(
        self, request_hash: str, created_at: datetime, response: StoredResponse | None
    ) -> None:
        self.request_hash = request_hash
        self.created_at = created_at
        self.response = response


async def get(record_id: str) -> Record | None:
    row = await T.select().where(T.id == record_id).first()
    if row is None:
        return None
    response = None
    if row["status_code"] is not None:
        response = StoredResponse(row["status_code"], row["content_type"], row["body"])
    return Record(row["request_hash"], row["created_at"], response)


async def insert(record_id: str, request_hash: str, now: datetime) -> None:
    await T.insert(
        T(
            id=record_id,
            request_hash=request_hash,
            status_code=None,
            content_type=None,
            body=None,
            created_at=now,
        )
    )


async def delete(record_id: str) -> None:
    await T.delete().where(T.id == record_id)


async def complete(record_id: str, response: StoredResponse) -> None:
    await T.update(
        {
            T.status_code: response.status_code,
            T.content_type: response.content_type,
            T.body: response.body,
        }
    ).where(T.id == record_id)


async def delete_expired(before: datetime) -> None:
    await T.delete().where(T.created_at <= before)
