"""A web app's build: made once (``paylinks build``, or by the first start) into
``<data dir>/web/<app>``, reused by every later start until its fingerprint changes
(see ``build_rules``). A build is the app's frontend (``reflex export``) and its gettext
catalogs compiled to MO files, which the app's server reads."""

import os
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import msgspec
from checkout import i18n as checkout_i18n

from paylinks.i18n import Catalogs
from paylinks_cli.build_rules import BuildRecord, event_base_url, fingerprint, reusable
from paylinks_cli.webapps import (
    BUN_VERSION,
    READY_WITHIN,
    Say,
    WebAppError,
    app_dir,
    ensure_bun,
    locked,
    reflex_environment,
)

#: The folders of an app (beside its package) that go into its build.
_BUILT_FROM = ("assets", "reflex.lock")
#: The apps' gettext catalogs (their PO files are among the build's sources), and the
#: variable that tells the app's server where their compiled MO files are.
_CATALOGS: dict[str, tuple[Catalogs, str]] = {
    "checkout": (checkout_i18n.CATALOGS, checkout_i18n.COMPILED_ENV),
}
#: Lines of ``reflex export`` worth showing a person.
_PROGRESS = ("Installing", "Compiling", "Creating Production Build", "Error", "error")


def work_dir(data_dir: Path, name: str) -> Path:
    """Where an app's build and its record live."""
    return data_dir.resolve() / "web" / name


def _record_path(data_dir: Path, name: str) -> Path:
    return work_dir(data_dir, name) / "build.json"


def catalogs_dir(data_dir: Path, name: str) -> Path:
    """Where an app's build puts its compiled catalogs."""
    return work_dir(data_dir, name) / "locales"


def catalog_environment(data_dir: Path, name: str) -> dict[str, str]:
    """What tells the app's server to read the catalogs its build compiled."""
    if name not in _CATALOGS:
        return {}
    return {_CATALOGS[name][1]: str(catalogs_dir(data_dir, name))}


def _compile_catalogs(data_dir: Path, name: str) -> None:
    if name in _CATALOGS:
        _CATALOGS[name][0].compile(catalogs_dir(data_dir, name))


def _output_present(data_dir: Path, name: str) -> bool:
    page = work_dir(data_dir, name) / ".web" / "build" / "client" / "index.html"
    return page.is_file() and (name not in _CATALOGS or catalogs_dir(data_dir, name).is_dir())


def app_sources(name: str) -> list[tuple[str, bytes]]:
    """The files an app's build is made from, by path relative to its folder."""
    root = app_dir(name)
    files = [root / "rxconfig.py"]
    for folder in (name, *_BUILT_FROM):
        files += [
            path
            for path in (root / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
    return [(str(path.relative_to(root)), path.read_bytes()) for path in files]


def current_fingerprint(name: str, public_url: str) -> str:
    """The fingerprint a build of ``name`` for ``public_url`` would have now."""
    inputs = {
        "app": name,
        "reflex": version("reflex"),
        "bun": BUN_VERSION,
        "event_url": event_base_url(public_url),
    }
    return fingerprint(app_sources(name), inputs)


def _read_record(data_dir: Path, name: str) -> BuildRecord | None:
    try:
        return msgspec.json.decode(_record_path(data_dir, name).read_bytes(), type=BuildRecord)
    except (OSError, msgspec.DecodeError):
        return None


def ensure_build(
    name: str, public_url: str, data_dir: Path, *, force: bool = False, say: Say = print
) -> bool:
    """The app's build for ``public_url``, made unless the one on disk is current (or
    ``force``); True when it was made now. Processes starting together build once: the
    others wait for the build and reuse it."""
    with locked(work_dir(data_dir, name) / ".build.lock"):
        current = current_fingerprint(name, public_url)
        record = _read_record(data_dir, name)
        if not force and reusable(record, current, output_present=_output_present(data_dir, name)):
            assert record is not None
            say(f"{name}: build reused ({current[:12]}, made in {record.seconds:.0f} s)")
            return False
        say(f"{name}: building for {public_url} ({current[:12]}) …")
        started = time.monotonic()
        # A build left half done must not look like a finished one.
        _record_path(data_dir, name).unlink(missing_ok=True)
        _compile_catalogs(data_dir, name)
        _export(name, public_url, data_dir, say)
        seconds = time.monotonic() - started
        _record_path(data_dir, name).write_bytes(
            msgspec.json.encode(BuildRecord(fingerprint=current, seconds=round(seconds, 1)))
        )
        say(f"{name}: built in {seconds:.1f} s")
        return True


def _export(name: str, public_url: str, data_dir: Path, say: Say) -> None:
    """``reflex export`` of the frontend into the app's work dir, its output in
    ``<data dir>/logs/<app>-build.log``."""
    bun = ensure_bun(data_dir / "tools", say)
    folder = work_dir(data_dir, name)
    log_path = data_dir.resolve() / "logs" / f"{name}-build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **reflex_environment(bun, folder),
        "REFLEX_API_URL": event_base_url(public_url),
    }
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603  (this Python, reflex)
            [*command, "--env", "prod"],
            cwd=app_dir(name),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        for raw in process.stdout:
            log.write(raw)
            line = raw.decode(errors="replace").strip()
            if line and any(word in line for word in _PROGRESS):
                say(f"{name}: {line}")
        status = process.wait(READY_WITHIN)
    if status != 0 or not _output_present(data_dir, name):
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        raise WebAppError(f"Building {name} failed (its log: {log_path}):\n{tail}")
