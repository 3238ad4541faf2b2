"""What a ``paylinks`` command leaves in the data directory is its user's alone (SPEC §10):
the SQLite database with customers' data, its journal, the secret key."""

import os
import stat
import subprocess
from pathlib import Path

from tests.e2e.processes import paylinks_command


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_leaves_nothing_readable_by_others(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "left-by-an-older-version.json").write_text("{}")
    (data / "left-by-an-older-version.json").chmod(0o644)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
        "PAYLINKS_DATA_DIR": str(data),
    }

    done = subprocess.run(
        [
            *paylinks_command(),
            *("admin", "create-store", "--name", "Acme", "--email", "owner@example.com"),
            *("--password", "correct horse battery staple", "--json"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    files = [path for path in data.iterdir() if path.is_file()]
    assert {"paylinks.sqlite3", "secret_key"} <= {path.name for path in files}
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
