"""Gateway event ids are pruned by age: an index on when they were received."""

from paylinks.db.indexes import index_migration

ID = "2026-11-26T08:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "gateway event age index"

INDEXES = {"gateway_event_received_at": "gateway_event (received_at)"}


async def forwards():
    return index_migration(ID, DESCRIPTION, INDEXES)
