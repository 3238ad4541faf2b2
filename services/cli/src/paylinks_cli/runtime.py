"""Running things outside a request: settings at start-up, the database for a command."""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rich.console import Console

from paylinks.data_dir import make_private
from paylinks.db import engine as db
from paylinks.db.migrate import migrate
from paylinks.settings import Settings, SettingsError, load_settings

out = Console()
err = Console(stderr=True)


def settings_or_exit() -> Settings:
    """The settings, or a message naming the bad one and exit status 2; the data directory
    made private to this user (``paylinks.data_dir``)."""
    try:
        settings = load_settings()
    except SettingsError as error:
        err.print(f"[bold red]Bad setting[/] {error}")
        sys.exit(2)
    make_private(settings.data_dir)
    return settings


@asynccontextmanager
async def database(settings: Settings, *, migrated: bool = True) -> AsyncIterator[None]:
    """The database bound for a one-off command, migrated first on the embedded default."""
    engine = db.engine_for(settings)
    db.bind(engine)
    await db.start(engine)
    try:
        if migrated and settings.is_sqlite:
            await migrate()
        yield
    finally:
        await db.stop(engine)
