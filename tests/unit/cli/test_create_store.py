"""``paylinks admin create-store --country``: the store's country, or the bad one named."""

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paylinks.settings import load_settings
from paylinks.stores import repository
from paylinks_cli.cli import app
from paylinks_cli.runtime import database


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAYLINKS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAYLINKS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("PAYLINKS_SECRET_KEY", "test-secret-key-" + "x" * 32)


def create(*options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            *("admin", "create-store", "--name", "Bäckerei", "--email", "b@example.com"),
            *("--password", "correct horse battery staple", *options),
        ],
    )
    return result.exit_code, result.output


async def country_of(store_id: str) -> str:
    async with database(load_settings()):
        store = await repository.get_store(store_id)
        assert store is not None
        return store.country


def test_the_country_given(environment: None) -> None:
    code, output = create("--currency", "CHF", "--country", "li", "--json")
    assert code == 0, output
    assert asyncio.run(country_of(json.loads(output)["store_id"])) == "LI"


def test_the_currencys_country_by_default(environment: None) -> None:
    code, output = create("--currency", "CHF", "--json")
    assert code == 0, output
    assert asyncio.run(country_of(json.loads(output)["store_id"])) == "CH"


def test_a_bad_country_is_named(environment: None) -> None:
    code, output = create("--country", "UK")
    assert code == 2
    assert "country" in output
