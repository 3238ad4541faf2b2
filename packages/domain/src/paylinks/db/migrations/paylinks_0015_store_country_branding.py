"""A store's country, branding and receipts switch; a payment's ``client_reference_id`` and
checkout locale; a message's payment and kind (receipts and refund notices are messages
too, sent by the same jobs as the sends of a link).

Stores made before have no country: each gets the one its currency most likely belongs to
(GBP → GB, CHF → CH, EUR → DE), which its merchant can change in Settings."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Varchar
from piccolo.columns.indexes import IndexMethod

from paylinks.countries import country_for_currency
from paylinks.db.indexes import create_indexes
from paylinks.db.sql import fetch

ID = "2026-12-06T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "store country and branding, client reference, receipts"


def _params(length: int | None, default: object, null: bool) -> dict:
    params = {
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
    if length is not None:
        params["length"] = length
    return params


_COLUMNS = [
    ("StoreTable", "store", "country", Varchar, _params(2, "GB", False)),
    ("StoreTable", "store", "brand_color", Varchar, _params(7, None, True)),
    ("StoreTable", "store", "logo_image_id", Varchar, _params(40, None, True)),
    ("StoreTable", "store", "receipts_enabled", Boolean, _params(None, True, False)),
    ("PaymentTable", "payment", "client_reference_id", Varchar, _params(200, None, True)),
    ("PaymentTable", "payment", "locale", Varchar, _params(16, None, True)),
    ("MessageTable", "message", "kind", Varchar, _params(16, "link", False)),
    ("MessageTable", "message", "payment_id", Varchar, _params(40, None, True)),
    ("MessageTable", "message", "refund_id", Varchar, _params(40, None, True)),
    ("MessageTable", "message", "locale", Varchar, _params(16, None, True)),
]


INDEXES = {
    "payment_client_reference": "payment (store_id, client_reference_id)",
    "message_payment_id": "message (payment_id, id)",
}


async def _country_from_currency() -> None:
    for row in await fetch("SELECT DISTINCT currency FROM store"):
        currency = row["currency"]
        await fetch(
            "UPDATE store SET country = {} WHERE currency = {}",
            country_for_currency(currency),
            currency,
        )


class _ThenFill(MigrationManager):
    """Piccolo runs a migration's raw steps before its added columns: these need them, so
    they run once the columns are there."""

    async def run(self, backwards: bool = False) -> None:
        await super().run(backwards=backwards)
        if not backwards and not self.preview:
            await _country_from_currency()
            await create_indexes(INDEXES)


async def forwards():
    manager = _ThenFill(migration_id=ID, app_name="paylinks", description=DESCRIPTION)
    for class_name, tablename, name, column_class, params in _COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
