"""axe-core for the browser tests' accessibility checks: pinned, installed from the npm
registry with npm (as the web apps get bun) into a folder of the system's temp dir, and
reused from there; ``PAYLINKS_AXE_CORE`` names another copy of ``axe.min.js`` instead."""

import json
import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page

from paylinks_cli.webapps import NpmMissing, npm_tool

AXE_VERSION = "4.14.1"
#: Where a test run installs it (one folder per version, shared by every checkout of the repo).
CACHE = Path(tempfile.gettempdir()) / f"paylinks-axe-core-{AXE_VERSION}"

__all__ = ["AXE_VERSION", "CACHE", "NpmMissing", "ensure_axe"]


def _installed(tools: Path) -> Path | None:
    """``axe.min.js`` under ``tools`` when it is the pinned version."""
    package = tools / "node_modules" / "axe-core"
    script = package / "axe.min.js"
    try:
        version = json.loads((package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
    return script if version == AXE_VERSION and script.is_file() else None


def ensure_axe(tools: Path = CACHE) -> Path:
    """The pinned ``axe.min.js``: the override, the cached copy, or a fresh install."""
    if override := os.environ.get("PAYLINKS_AXE_CORE"):
        return Path(override).resolve()
    return npm_tool(tools, "axe-core", AXE_VERSION, _installed, say=lambda _: None)


def load_axe(page: Page, axe_js: Path) -> None:
    """axe-core in ``page``, evaluated by the browser's DevTools (as a tester's console
    would): the apps' Content-Security-Policy rightly refuses it as an inline script."""
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.evaluate(axe_js.read_text())
