"""One delivery per event and endpoint; indexes for due retries, event logs and sends."""

from paylinks.db.indexes import index_migration

ID = "2026-11-26T05:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhook and message indexes"

INDEXES = {
    "webhook_delivery_due": "webhook_delivery (status, next_attempt_at)",
    "webhook_delivery_event": "webhook_delivery (event_id, id)",
    "message_link": "message (payment_link_id, id)",
    "message_queued": "message (status, id)",
}


async def forwards():
    manager = index_migration(ID, DESCRIPTION, INDEXES)

    async def unique_delivery() -> None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS webhook_delivery_event_endpoint "
            "ON webhook_delivery (event_id, endpoint_id)")

    manager.add_raw(unique_delivery)
    return manager
