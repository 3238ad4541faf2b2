"""The data directory is private to the service's user (SPEC §10)."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from paylinks.data_dir import make_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_kept() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_what_an_older_version_left_readable_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "web").mkdir(parents=True)
    for name in ("paylinks.sqlite3", "paylinks.sqlite3-wal", "demo.json"):
        (data / name).write_text("x")
        (data / name).chmod(0o644)
    (data / "bun").write_text("#!/bin/sh")
    (data / "bun").chmod(0o755)
    data.chmod(0o755)

    make_private(data)

    assert mode(data) == mode(data / "web") == 0o700
    assert {mode(data / n) for n in ("paylinks.sqlite3", "paylinks.sqlite3-wal", "demo.json")} == {
        0o600
    }
    assert mode(data / "bun") == 0o700  # still runs, for its owner alone


def test_what_the_process_creates_afterwards_is_private(tmp_path: Path) -> None:
    make_private(tmp_path / "not-there-yet")

    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "file").write_text("x")

    assert not (tmp_path / "not-there-yet").exists()  # no directory made for nothing
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "file") == 0o600
