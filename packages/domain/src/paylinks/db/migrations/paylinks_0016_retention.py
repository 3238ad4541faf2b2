"""Indexes the retention purges find old rows by (oldest first), and the store-wide CSV
export's range of payments by creation time.

On a large existing database, create them first by hand with ``CREATE INDEX CONCURRENTLY``
(same names): this migration then finds them and does nothing, without locking the tables.
"""

from paylinks.db.indexes import index_migration

ID = "2026-12-06T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention and export indexes"

INDEXES = {
    "event_created_at": "event (created_at)",
    "message_created_at": "message (created_at)",
    "payment_store_created": "payment (store_id, created_at, id)",
}


async def forwards():
    return index_migration(ID, DESCRIPTION, INDEXES)
