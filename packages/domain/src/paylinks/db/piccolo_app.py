import os

from piccolo.conf.apps import AppConfig

from paylinks.db.registry import TABLES

APP_CONFIG = AppConfig(
    app_name="paylinks",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
