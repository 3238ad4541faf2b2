"""What the web apps' state tests share: the API's settings, on SQLite in ``tmp_path``,
at the address the apps' API clients are pointed at (over an in-process transport)."""

from pathlib import Path

import pytest

from paylinks.settings import Settings, load_settings

API_BASE = "http://api.test"


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return load_settings(
        {
            "PAYLINKS_DATA_DIR": str(tmp_path / "data"),
            "PAYLINKS_DATABASE_URL": f"sqlite:///{tmp_path / 'paylinks.sqlite3'}",
            "PAYLINKS_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "PAYLINKS_API_URL": API_BASE,
            "PAYLINKS_CHECKOUT_URL": "http://checkout.test",
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "10000",
            "PAYLINKS_START_LIMIT_PER_HOUR": "10000",
        },
        env_file=None,
    )
