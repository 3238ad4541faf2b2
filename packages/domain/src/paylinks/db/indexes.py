"""Hand-written index migrations: portable ``CREATE INDEX`` statements for both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


async def create_indexes(indexes: dict[str, str]) -> None:
    """Create ``indexes`` (name → ``table (columns)``) unless they exist."""
    engine = engine_finder()
    assert engine is not None
    for name, target in indexes.items():
        await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def index_migration(
    migration_id: str, description: str, indexes: dict[str, str]
) -> MigrationManager:
    """A migration creating ``indexes`` (name → ``table (columns)``), and dropping them
    backwards."""
    manager = MigrationManager(
        migration_id=migration_id, app_name="paylinks", description=description
    )

    async def create() -> None:
        await create_indexes(indexes)

    async def drop() -> None:
        engine = engine_finder()
        assert engine is not None
        for name in indexes:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
