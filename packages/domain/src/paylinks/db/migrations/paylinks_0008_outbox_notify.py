"""On PostgreSQL, a new event row notifies channel ``paylinks_event`` when its transaction
commits, so that the outbox relay wakes at once instead of waiting for its next poll.
SQLite has no notifications: there the relay polls, and this migration does nothing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-26T05:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox notification on PostgreSQL"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="paylinks", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        if not isinstance(engine, PostgresEngine):
            return
        # Per statement, not per row: a NOTIFY is only sent at commit, and the same
        # notification sent twice in a transaction is delivered once.
        await engine.run_ddl(
            "CREATE OR REPLACE FUNCTION paylinks_event_notify() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('paylinks_event', ''); "
            "RETURN NULL; END $$"
        )
        await engine.run_ddl("DROP TRIGGER IF EXISTS event_notify ON event")
        await engine.run_ddl(
            "CREATE TRIGGER event_notify AFTER INSERT ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION paylinks_event_notify()"
        )

    async def drop() -> None:
        engine = engine_finder()
        if not isinstance(engine, PostgresEngine):
            return
        await engine.run_ddl("DROP TRIGGER IF EXISTS event_notify ON event")
        await engine.run_ddl("DROP FUNCTION IF EXISTS paylinks_event_notify()")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
