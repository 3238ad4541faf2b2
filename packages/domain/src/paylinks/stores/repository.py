"""Every query about stores, users, sessions, API keys and venues: rows in, Structs out."""

from datetime import datetime
from typing import Any

import msgspec
from piccolo.columns import Column

from paylinks.db.pages import newest_first
from paylinks.db.sql import fetch
from paylinks.pagination import Window
from paylinks.stores.model import (
    ApiKey,
    Gateway,
    Principal,
    Store,
    StoreChanges,
    User,
    Venue,
)
from paylinks.stores.tables import ApiKeyTable, SessionTable, StoreTable, UserTable, VenueTable

_STORE_COLUMNS = (
    StoreTable.id,
    StoreTable.name,
    StoreTable.currency,
    StoreTable.country,
    StoreTable.gateway,
    StoreTable.payments_activated_at,
    StoreTable.created_at,
    StoreTable.brand_color,
    StoreTable.logo_image_id,
    StoreTable.receipts_enabled,
)


def _store(row: dict[str, Any]) -> Store:
    gateway = row["gateway"]
    return Store(
        id=row["id"],
        name=row["name"],
        currency=row["currency"],
        country=row["country"],
        gateway=Gateway(gateway) if gateway else None,
        payments_activated_at=row["payments_activated_at"],
        created_at=row["created_at"],
        brand_color=row["brand_color"],
        logo_image_id=row["logo_image_id"],
        receipts_enabled=bool(row["receipts_enabled"]),
    )


async def insert_store(store: Store) -> None:
    await StoreTable.insert(
        StoreTable(
            id=store.id,
            name=store.name,
            currency=store.currency,
            country=store.country,
            gateway=None,
            created_at=store.created_at,
            brand_color=store.brand_color,
            logo_image_id=store.logo_image_id,
            receipts_enabled=store.receipts_enabled,
        )
    )


#: The store's columns that ``PATCH /v1/store`` may set, by field name.
_CHANGEABLE = {
    "name": StoreTable.name,
    "country": StoreTable.country,
    "brand_color": StoreTable.brand_color,
    "logo_image_id": StoreTable.logo_image_id,
    "receipts_enabled": StoreTable.receipts_enabled,
}


async def update_store(store_id: str, changes: StoreChanges) -> None:
    values: dict[Column | str, Any] = {
        column: getattr(changes, field)
        for field, column in _CHANGEABLE.items()
        if getattr(changes, field) is not msgspec.UNSET
    }
    if values:
        await StoreTable.update(values).where(StoreTable.id == store_id)


async def get_store(store_id: str) -> Store | None:
    row = await StoreTable.select(*_STORE_COLUMNS).where(StoreTable.id == store_id).first()
    return _store(row) if row else None


async def set_gateway(
    store_id: str,
    gateway: Gateway,
    now: datetime,
    stripe_secret_key_enc: str | None,
    stripe_webhook_secret_enc: str | None,
    stripe_publishable_key: str | None = None,
) -> None:
    await StoreTable.update(
        {
            StoreTable.stripe_publishable_key: stripe_publishable_key,
            StoreTable.gateway: gateway.value,
            StoreTable.payments_activated_at: now,
            StoreTable.stripe_secret_key_enc: stripe_secret_key_enc,
            StoreTable.stripe_webhook_secret_enc: stripe_webhook_secret_enc,
        }
    ).where(StoreTable.id == store_id)


async def insert_user(user: User, password_hash: str) -> None:
    await UserTable.insert(
        UserTable(
            id=user.id,
            store_id=user.store_id,
            email=user.email,
            password_hash=password_hash,
            created_at=user.created_at,
        )
    )


async def email_taken(email: str) -> bool:
    return bool(await UserTable.exists().where(UserTable.email == email))


async def find_user_by_email(email: str) -> tuple[User, str] | None:
    row = await UserTable.select().where(UserTable.email == email).first()
    if row is None:
        return None
    user = User(
        id=row["id"], store_id=row["store_id"], email=row["email"], created_at=row["created_at"]
    )
    return user, row["password_hash"]


async def get_user(user_id: str) -> User | None:
    row = (
        await UserTable.select(
            UserTable.id, UserTable.store_id, UserTable.email, UserTable.created_at
        )
        .where(UserTable.id == user_id)
        .first()
    )
    return User(**row) if row else None


async def insert_session(
    session_id: str, user: User, token_hash: str, now: datetime, expires_at: datetime
) -> None:
    await SessionTable.insert(
        SessionTable(
            id=session_id,
            user_id=user.id,
            store_id=user.store_id,
            token_hash=token_hash,
            created_at=now,
            expires_at=expires_at,
            revoked=False,
        )
    )


async def revoke_session(session_id: str) -> None:
    await SessionTable.update({SessionTable.revoked: True}).where(SessionTable.id == session_id)


async def principal_for_session(token_hash: str, now: datetime) -> Principal | None:
    rows = await fetch(
        "SELECT s.id, s.store_id, s.user_id, st.gateway FROM user_session s "
        "JOIN store st ON st.id = s.store_id "
        "WHERE s.token_hash = {} AND s.revoked = {} AND s.expires_at > {}",
        token_hash,
        False,
        now,
    )
    if not rows:
        return None
    row = rows[0]
    return Principal(
        store_id=row["store_id"],
        payments_active=row["gateway"] is not None,
        user_id=row["user_id"],
        session_id=row["id"],
    )


async def principal_for_api_key(token_hash: str) -> Principal | None:
    # One query on the hot path of every API call: the key and its store's gateway.
    rows = await fetch(
        "SELECT k.store_id, st.gateway FROM api_key k JOIN store st ON st.id = k.store_id "
        "WHERE k.token_hash = {} AND k.revoked_at IS NULL",
        token_hash,
    )
    if not rows:
        return None
    return Principal(store_id=rows[0]["store_id"], payments_active=rows[0]["gateway"] is not None)


_KEY_COLUMNS = (
    ApiKeyTable.id,
    ApiKeyTable.store_id,
    ApiKeyTable.name,
    ApiKeyTable.last4,
    ApiKeyTable.created_at,
    ApiKeyTable.revoked_at,
)


async def insert_api_key(key: ApiKey, token_hash: str) -> None:
    await ApiKeyTable.insert(
        ApiKeyTable(
            id=key.id,
            store_id=key.store_id,
            name=key.name,
            token_hash=token_hash,
            last4=key.last4,
            created_at=key.created_at,
            revoked_at=None,
        )
    )


async def list_api_keys(store_id: str, window: Window) -> list[ApiKey]:
    query = ApiKeyTable.select(*_KEY_COLUMNS)
    rows = await newest_first(query, ApiKeyTable.id, ApiKeyTable.store_id == store_id, window)
    return [ApiKey(**row) for row in rows]


async def get_api_key(store_id: str, key_id: str) -> ApiKey | None:
    row = (
        await ApiKeyTable.select(*_KEY_COLUMNS)
        .where((ApiKeyTable.store_id == store_id) & (ApiKeyTable.id == key_id))
        .first()
    )
    return ApiKey(**row) if row else None


async def revoke_api_key(store_id: str, key_id: str, now: datetime) -> None:
    await ApiKeyTable.update({ApiKeyTable.revoked_at: now}).where(
        (ApiKeyTable.store_id == store_id)
        & (ApiKeyTable.id == key_id)
        & ApiKeyTable.revoked_at.is_null()
    )


_VENUE_COLUMNS = (
    VenueTable.id,
    VenueTable.store_id,
    VenueTable.name,
    VenueTable.address,
    VenueTable.created_at,
)


async def insert_venue(venue: Venue) -> None:
    await VenueTable.insert(VenueTable(**{f: getattr(venue, f) for f in Venue.__struct_fields__}))


async def get_venue(store_id: str, venue_id: str) -> Venue | None:
    row = (
        await VenueTable.select(*_VENUE_COLUMNS)
        .where((VenueTable.store_id == store_id) & (VenueTable.id == venue_id))
        .first()
    )
    return Venue(**row) if row else None


async def list_venues(store_id: str, window: Window) -> list[Venue]:
    query = VenueTable.select(*_VENUE_COLUMNS)
    rows = await newest_first(query, VenueTable.id, VenueTable.store_id == store_id, window)
    return [Venue(**row) for row in rows]


class StoreGateway:
    __slots__ = ("name", "publishable_key", "secret_key_enc", "webhook_secret_enc")

    def __init__(
        self,
        name: str,
        secret_key_enc: str | None,
        webhook_secret_enc: str | None,
        publishable_key: str | None,
    ) -> None:
        self.name = name
        self.secret_key_enc = secret_key_enc
        self.webhook_secret_enc = webhook_secret_enc
        self.publishable_key = publishable_key


async def get_gateway(store_id: str) -> StoreGateway | None:
    row = (
        await StoreTable.select(
            StoreTable.gateway,
            StoreTable.stripe_secret_key_enc,
            StoreTable.stripe_webhook_secret_enc,
            StoreTable.stripe_publishable_key,
        )
        .where(StoreTable.id == store_id)
        .first()
    )
    if row is None or row["gateway"] is None:
        return None
    return StoreGateway(
        row["gateway"],
        row["stripe_secret_key_enc"],
        row["stripe_webhook_secret_enc"],
        row["stripe_publishable_key"],
    )
