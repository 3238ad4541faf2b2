"""Piccolo's configuration module (``PICCOLO_CONF=paylinks.db.piccolo_conf``), for its CLI.

``DB`` comes from ``PAYLINKS_DATABASE_URL``; a running process replaces it with its own
engine through ``engine.bind``.
"""

import os
from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

from paylinks.db.engine import make_engine

DB: Engine[Any] = make_engine(
    os.environ.get("PAYLINKS_DATABASE_URL") or "sqlite:///.paylinks/paylinks.sqlite3"
)

APP_REGISTRY = AppRegistry(apps=["paylinks.db.piccolo_app"])
