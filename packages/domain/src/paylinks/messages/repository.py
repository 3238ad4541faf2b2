from datetime import datetime, timedelta
from typing import Any

from paylinks.db.pages import newest_first
from paylinks.messages.model import Channel, Message, MessageStatus, Transport
from paylinks.messages.tables import MessageTable as T

_COLUMNS = (
    T.id,
    T.payment_link_id,
    T.channel,
    T.recipient,
    T.status,
    T.transport,
    T.subject,
    T.body_text,
    T.error,
    T.attempts,
    T.created_at,
    T.sent_at,
)


def _message(row: dict[str, Any]) -> Message:
    return Message(
        **{
            **row,
            "channel": Channel(row["channel"]),
            "status": MessageStatus(row["status"]),
            "transport": Transport(row["transport"]) if row["transport"] else None,
        }
    )


async def insert(message: Message, store_id: str, lease_until: datetime) -> None:
    await T.insert(
        T(
            id=message.id,
            store_id=store_id,
            payment_link_id=message.payment_link_id,
            channel=message.channel.value,
            recipient=message.recipient,
            status=message.status.value,
            transport=None,
            subject=None,
            body_text=None,
            error=None,
            provider_id=None,
            attempts=0,
            lease_until=lease_until,
            created_at=message.created_at,
            sent_at=None,
        )
    )


async def get(message_id: str) -> tuple[Message, str] | None:
    row = await T.select(*_COLUMNS, T.store_id).where(T.id == message_id).first()
    if row is None:
        return None
    store_id = row.pop("store_id")
    return _message(row), store_id


async def list_for_link(
    store_id: str, link_id: str, limit: int, starting_after: str | None
) -> list[Message]:
    query = T.select(*_COLUMNS).where((T.store_id == store_id) & (T.payment_link_id == link_id))
    rows = await newest_first(query, T.id, limit, starting_after)
    return [_message(row) for row in rows]


async def claim_queued(now: datetime, lease: timedelta, limit: int) -> list[str]:
    rows = await T.raw(
        "UPDATE message SET lease_until = {} WHERE id IN (SELECT id FROM message "
        "WHERE status = 'queued' AND (lease_until IS NULL OR lease_until < {}) "
        "ORDER BY id LIMIT {}) AND status = 'queued' "
        "AND (lease_until IS NULL OR lease_until < {}) RETURNING id",
        now + lease,
        now,
        limit,
        now,
    )
    return [row["id"] for row in rows]


async def finish(
    message_id: str,
    attempts: int,
    status: MessageStatus,
    transport: Transport | None,
    subject: str,
    body_text: str,
    error: str | None,
    provider_id: str | None,
    sent_at: datetime | None,
    retry_at: datetime | None,
) -> None:
    await T.update(
        {
            T.status: status.value,
            T.transport: transport.value if transport else None,
            T.subject: subject,
            T.body_text: body_text,
            T.error: error,
            T.provider_id: provider_id,
            T.attempts: attempts,
            T.sent_at: sent_at,
            T.lease_until: retry_at,
        }
    ).where((T.id == message_id) & (T.status == MessageStatus.QUEUED.value))
