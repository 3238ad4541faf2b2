"""Migration 0015 on a database with stores made before it: each gets the country of its
currency, receipts on and no branding; on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards

from paylinks.db.engine import bind, make_engine, start, stop
from paylinks.db.migrate import migrate
from paylinks.db.sql import fetch
from paylinks.settings import Settings


async def _admin(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _fresh_postgres(url: str) -> str:
    """An empty database beside the tests' one (same server), made anew."""
    base, _, name = url.rpartition("/")
    fresh = f"{name}_m15"
    await _admin(
        url, f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)', f'CREATE DATABASE "{fresh}"'
    )
    return f"{base}/{fresh}"


#: The migration before this issue's: the schema stores were made with.
BEFORE = "2026-12-06T09:00:00:000000"


async def test_existing_stores_get_their_currencys_country(
    settings: Settings, tmp_path: Path
) -> None:
    # A database of its own: the fixture's is migrated already.
    if settings.is_sqlite:
        url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    else:
        url = await _fresh_postgres(settings.database_url)
    engine = make_engine(url)
    bind(engine)
    await start(engine)
    try:
        report = await run_forwards(app_name="paylinks", migration_id=BEFORE, fake=False)
        assert report.success, report.message
        now = datetime(2026, 12, 1, tzinfo=UTC)
        for store_id, currency in (("store_gb", "GBP"), ("store_ch", "CHF"), ("store_eu", "EUR")):
            await fetch(
                "INSERT INTO store (id, name, currency, created_at) VALUES ({}, {}, {}, {})",
                store_id,
                "Old shop",
                currency,
                now,
            )
        await migrate()
        rows = await fetch(
            "SELECT id, country, receipts_enabled, brand_color FROM store ORDER BY id"
        )
        assert [
            (r["id"], r["country"], bool(r["receipts_enabled"]), r["brand_color"]) for r in rows
        ] == [
            ("store_ch", "CH", True, None),
            ("store_eu", "DE", True, None),
            ("store_gb", "GB", True, None),
        ]
        await migrate()  # again: nothing left to do
    finally:
        await stop(engine)
        if not settings.is_sqlite:
            await _admin(
                settings.database_url,
                f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)',
            )
