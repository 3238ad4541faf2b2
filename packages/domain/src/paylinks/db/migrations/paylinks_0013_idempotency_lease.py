"""Idempotency claims carry a lease: which attempt holds the key (``lease_token``) and until
when (``leased_until``). A claim whose request never answered is taken over once its lease
has run out; rows from before have no lease and are taken over at once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency claim lease"


def _params(extra: dict[str, object]) -> dict[str, object]:
    return {
        "default": None,
        "null": True,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="paylinks", description=DESCRIPTION)
    columns = [
        ("lease_token", "Varchar", Varchar, _params({"length": 32})),
        ("leased_until", "Timestamptz", Timestamptz, _params({})),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="IdempotencyTable",
            tablename="idempotency_record",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
