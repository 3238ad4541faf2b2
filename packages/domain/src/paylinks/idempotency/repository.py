from datetime import datetime

from paylinks.idempotency.model import Held, StoredResponse
from paylinks.idempotency.tables import IdempotencyTable


class Record:
    __slots__ = ("held", "lease_token", "response")

    def __init__(
        self, held: Held, lease_token: str | None, response: StoredResponse | None
    ) -> None:
        self.held = held
        self.lease_token = lease_token
        self.response = response


async def get(record_id: str) -> Record | None:
    row = await IdempotencyTable.select().where(IdempotencyTable.id == record_id).first()
    if row is None:
        return None
    response = None
    if row["status_code"] is not None:
        response = StoredResponse(row["status_code"], row["content_type"], row["body"])
    held = Held(row["request_hash"], row["created_at"], response is not None, row["leased_until"])
    return Record(held, row["lease_token"], response)


async def insert(
    record_id: str, request_hash: str, now: datetime, token: str, leased_until: datetime
) -> None:
    await IdempotencyTable.insert(
        IdempotencyTable(
            id=record_id,
            request_hash=request_hash,
            status_code=None,
            content_type=None,
            body=None,
            created_at=now,
            lease_token=token,
            leased_until=leased_until,
        )
    )


def _held_by(record_id: str, token: str | None) -> object:
    """The unanswered claim of ``record_id`` while ``token`` holds it."""
    table = IdempotencyTable
    holder = table.lease_token.is_null() if token is None else table.lease_token == token
    return (table.id == record_id) & holder & table.status_code.is_null()


async def take_over(
    record_id: str, old_token: str | None, token: str, leased_until: datetime
) -> bool:
    """Move an unanswered claim from ``old_token`` to ``token``; False when another retry
    took it first (or the answer came in meanwhile)."""
    table = IdempotencyTable
    taken = (
        await table.update({table.lease_token: token, table.leased_until: leased_until})
        .where(_held_by(record_id, old_token))  # type: ignore[arg-type]
        .returning(table.id)
    )
    return bool(taken)


async def complete(record_id: str, token: str, response: StoredResponse) -> bool:
    """Save the answer of the claim ``token`` holds; False when it no longer holds it."""
    table = IdempotencyTable
    saved = (
        await table.update(
            {
                table.status_code: response.status_code,
                table.content_type: response.content_type,
                table.body: response.body,
                table.lease_token: None,
                table.leased_until: None,
            }
        )
        .where(_held_by(record_id, token))  # type: ignore[arg-type]
        .returning(table.id)
    )
    return bool(saved)


async def delete(record_id: str) -> None:
    await IdempotencyTable.delete().where(IdempotencyTable.id == record_id)


async def delete_claim(record_id: str, token: str) -> None:
    """Forget the claim ``token`` holds (not one a retry took over, nor an answer)."""
    await IdempotencyTable.delete().where(_held_by(record_id, token))  # type: ignore[arg-type]


async def delete_expired(before: datetime) -> None:
    await IdempotencyTable.delete().where(IdempotencyTable.created_at <= before)
