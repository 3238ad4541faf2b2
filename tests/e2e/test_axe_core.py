"""The browser tests' axe-core: the pinned copy is reused once installed, another version
is not taken for it, and PAYLINKS_AXE_CORE overrides both."""

import json
from pathlib import Path

import pytest

from paylinks_cli import webapps
from tests.e2e.axe_core import AXE_VERSION, NpmMissing, ensure_axe


def _package(tools: Path, version: str) -> Path:
    package = tools / "node_modules" / "axe-core"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}))
    script = package / "axe.min.js"
    script.write_text("window.axe = {};")
    return script


@pytest.fixture
def no_npm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAYLINKS_AXE_CORE", raising=False)
    monkeypatch.setattr(webapps.shutil, "which", lambda name: None)


def test_the_pinned_copy_is_reused_without_npm(tmp_path: Path, no_npm: None) -> None:
    script = _package(tmp_path, AXE_VERSION)
    assert ensure_axe(tmp_path) == script


def test_another_version_is_not_taken_for_it(tmp_path: Path, no_npm: None) -> None:
    _package(tmp_path, "4.0.0")
    with pytest.raises(NpmMissing, match="axe-core"):
        ensure_axe(tmp_path)


def test_the_environment_names_another_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYLINKS_AXE_CORE", str(tmp_path / "axe.js"))
    assert ensure_axe(tmp_path / "unused") == (tmp_path / "axe.js").resolve()
