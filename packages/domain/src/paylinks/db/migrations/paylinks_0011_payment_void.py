"""Timed-out payments' PaymentIntents to cancel at the gateway: when next, how often
tried."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-26T08:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment void schedule"


def _params(default: object, null: bool) -> dict[str, object]:
    return {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="paylinks", description=DESCRIPTION)
    columns = [
        ("void_due_at", "Timestamptz", Timestamptz, _params(None, True)),
        ("void_attempts", "Integer", Integer, _params(0, False)),
    ]
    for name, class_name, column_class, params in columns:
        manager.add_column(
            table_class_name="PaymentTable",
            tablename="payment",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
