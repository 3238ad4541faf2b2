"""Composite indexes that keep a store's lists index-backed, newest first, at any size.

Ids are UUIDv7, so ``ORDER BY id DESC`` is newest first and the cursor is the id itself.
"""

from paylinks.db.indexes import index_migration

ID = "2026-11-26T04:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "list indexes"

INDEXES = {
    "payment_link_store_id": "payment_link (store_id, id)",
    "payment_link_store_type_id": "payment_link (store_id, type, id)",
    "payment_link_store_venue_id": "payment_link (store_id, venue_id, id)",
    "payment_link_store_inactive_id": "payment_link (store_id, inactive_reason, id)",
    "payment_link_store_expires": "payment_link (store_id, expires_at)",
    "venue_store_id_id": "venue (store_id, id)",
    "api_key_store_id_id": "api_key (store_id, id)",
    "event_store_id_id": "event (store_id, id)",
    "event_store_link_id": "event (store_id, payment_link_id, id)",
    "event_unrelayed": "event (relayed_at, id)",
}


async def forwards():
    return index_migration(ID, DESCRIPTION, INDEXES)
