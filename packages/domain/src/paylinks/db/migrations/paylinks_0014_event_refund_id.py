"""An event names the refund it reports (``refund_id``), so that the relay enqueues the
refund's submission without parsing the event's data. Rows from before have none: a refund
whose event was still to relay at the upgrade is submitted by the refund sweep instead,
as any refund whose job went missing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "event refund id"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="paylinks", description=DESCRIPTION)
    manager.add_column(
        table_class_name="EventTable",
        tablename="event",
        column_name="refund_id",
        db_column_name="refund_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
