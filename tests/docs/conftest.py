"""The pages' examples run against the API on SQLite: what they show does not depend on
the database."""

import pytest


@pytest.fixture
def backend() -> str:
    return "sqlite"
