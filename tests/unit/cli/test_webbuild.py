"""A web app's build is made by the first start and reused by the next ones until its
fingerprint changes (``reflex export`` replaced by a stand-in that writes the output)."""

import shutil
from pathlib import Path

import pytest

from paylinks_cli import webbuild
from paylinks_cli.webapps import WebAppError

URL = "https://pay.example.com"


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The apps exported, each export writing the build's entry page."""
    done: list[str] = []

    def export(name: str, public_url: str, data_dir: Path, say: object) -> None:
        done.append(name)
        page = webbuild.work_dir(data_dir, name) / ".web" / "build" / "client" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<!doctype html>")

    monkeypatch.setattr(webbuild, "_export", export)
    return done


def build(data_dir: Path, lines: list[str] | None = None, **options: bool) -> bool:
    return webbuild.ensure_build(
        "checkout", URL, data_dir, say=(lines if lines is not None else []).append, **options
    )


def test_the_first_start_builds_and_the_next_reuse(tmp_path: Path, exports: list[str]) -> None:
    lines: list[str] = []
    assert build(tmp_path, lines) is True
    assert build(tmp_path, lines) is False
    assert exports == ["checkout"]
    assert lines[0].startswith("checkout: building for https://pay.example.com")
    assert lines[-1].startswith("checkout: build reused")


def test_changed_sources_or_address_build_again(
    tmp_path: Path, exports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path)
    webbuild.ensure_build("checkout", "https://pay.example.org", tmp_path, say=print)
    monkeypatch.setattr(webbuild, "app_sources", lambda name: [("rxconfig.py", b"changed")])
    build(tmp_path)
    assert exports == ["checkout"] * 3


def test_a_missing_output_or_force_builds_again(tmp_path: Path, exports: list[str]) -> None:
    build(tmp_path)
    (webbuild.work_dir(tmp_path, "checkout") / ".web" / "build" / "client" / "index.html").unlink()
    build(tmp_path)
    build(tmp_path, force=True)
    assert exports == ["checkout"] * 3


def test_a_failed_build_leaves_no_record_behind(
    tmp_path: Path, exports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path)

    def fail(name: str, public_url: str, data_dir: Path, say: object) -> None:
        raise WebAppError("bun broke")

    monkeypatch.setattr(webbuild, "_export", fail)
    with pytest.raises(WebAppError):
        build(tmp_path, force=True)
    assert not (webbuild.work_dir(tmp_path, "checkout") / "build.json").exists()


def test_the_build_compiles_the_catalogs_its_server_reads(
    tmp_path: Path, exports: list[str]
) -> None:
    build(tmp_path)
    compiled = webbuild.catalogs_dir(tmp_path, "checkout")
    assert (compiled / "de" / "LC_MESSAGES" / "checkout.mo").is_file()
    assert webbuild.catalog_environment(tmp_path, "checkout") == {
        "PAYLINKS_CHECKOUT_CATALOGS": str(compiled)
    }
    assert webbuild.catalog_environment(tmp_path, "dashboard") == {}


def test_a_build_without_its_catalogs_is_made_again(tmp_path: Path, exports: list[str]) -> None:
    build(tmp_path)
    shutil.rmtree(webbuild.catalogs_dir(tmp_path, "checkout"))
    assert build(tmp_path) is True
    assert (webbuild.catalogs_dir(tmp_path, "checkout") / "fr").is_dir()
