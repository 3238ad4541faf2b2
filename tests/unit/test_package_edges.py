"""The edges between the workspace's packages hold: the web apps run without the core's
persistence or any service, and every package declares the first-party packages it
imports (DESIGN.md, "Shape")."""

import ast
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Each workspace member: its distribution name, and the folders of its import packages.
MEMBERS = {
    "paylinks-domain": ROOT / "packages/domain/src/paylinks",
    "paylinks-client": ROOT / "packages/client/src/paylinks_client",
    "paylinks-api": ROOT / "services/api/src/paylinks_api",
    "paylinks-worker": ROOT / "services/worker/src/paylinks_worker",
    "paylinks-cli": ROOT / "services/cli/src/paylinks_cli",
    "paylinks-checkout": ROOT / "apps/checkout/checkout",
    "paylinks-dashboard": ROOT / "apps/dashboard/dashboard",
}
#: Which member an import package comes from.
DISTRIBUTION_OF = {folder.name: member for member, folder in MEMBERS.items()}

#: What the web apps must never import: the core's persistence and the server-side
#: libraries (the ``server`` extra of paylinks-domain), and the services.
REFUSED_IN_APPS = (
    "piccolo",
    "asyncpg",
    "aiosqlite",
    "stripe",
    "twilio",
    "argon2",
    "cryptography",
    "qrcode",
    "aiosmtplib",
    "standardwebhooks",
    "dramatiq",
    "paylinks.db",
    "paylinks_api",
    "paylinks_worker",
    "paylinks_cli",
)

_IMPORT_EVERY_MODULE = """
import importlib, importlib.abc, pkgutil, sys

REFUSED = {refused!r}
FIRST_PARTY = ("paylinks", "paylinks_client", "checkout", "dashboard")


class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if not any(name == r or name.startswith(r + ".") for r in REFUSED):
            return None
        # Only our own modules' imports are refused; Reflex may import what it likes.
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
            frame = frame.f_back
        importer = frame.f_globals.get("__name__", "") if frame is not None else ""
        if importer.split(".")[0] in FIRST_PARTY:
            raise ImportError(f"{{importer}} imports {{name}}")
        return None


sys.meta_path.insert(0, Refuse())
root = importlib.import_module({package!r})
for module in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    importlib.import_module(module.name)
    print(module.name)
try:  # The hook does refuse: a module of the core's persistence cannot be imported.
    importlib.import_module("paylinks.links.repository")
except ImportError:
    print("refused")
"""


@pytest.mark.parametrize(
    ("package", "modules"),
    [
        ("checkout", {"checkout.checkout", "checkout.state.pay", "checkout.forms"}),
        ("dashboard", {"dashboard.dashboard", "dashboard.state.links", "dashboard.api"}),
    ],
)
def test_the_web_apps_import_no_persistence_and_no_service(package: str, modules: set[str]) -> None:
    """Every module of the app imports (one app per process: Reflex allows one App)."""
    code = _IMPORT_EVERY_MODULE.format(refused=REFUSED_IN_APPS, package=package)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT / "apps" / package,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    imported = set(done.stdout.split())
    assert modules <= imported
    assert "refused" in imported


def _declared(member: str) -> set[str]:
    folder = MEMBERS[member]
    while not (folder / "pyproject.toml").is_file():
        folder = folder.parent
    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    return {
        requirement.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
        for requirement in project.get("dependencies", [])
    }


def _first_party_imports(folder: Path) -> dict[str, Path]:
    """The other members' import packages that modules under ``folder`` import."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in DISTRIBUTION_OF and top != folder.name:
                    found.setdefault(top, path)
    return found


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_every_package_declares_the_workspace_packages_it_imports(member: str) -> None:
    declared = _declared(member)
    undeclared = {
        f"{package} (in {path.relative_to(ROOT)})"
        for package, path in _first_party_imports(MEMBERS[member]).items()
        if DISTRIBUTION_OF[package] not in declared
    }
    assert not undeclared


@pytest.mark.parametrize(
    "member", ["paylinks-api", "paylinks-worker", "paylinks-checkout", "paylinks-dashboard"]
)
def test_no_service_and_no_app_is_imported_by_anything_but_the_command(member: str) -> None:
    own = MEMBERS[member].name
    importers = {
        other
        for other, folder in MEMBERS.items()
        if other not in {member, "paylinks-cli"} and own in _first_party_imports(folder)
    }
    assert not importers
