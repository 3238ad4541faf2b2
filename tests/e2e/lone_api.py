"""The API on a temporary SQLite data dir (jobs in-process), as a reader of the README runs
it: ``paylinks api``, or ``paylinks up --no-web`` with its demo store; and stores made with
``paylinks admin create-store --json``."""

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.processes import Process, free_port, paylinks_command

SECRET_KEY = "lone-api-secret-key-" + "s" * 40
START_WITHIN = 60.0


@dataclass
class LoneApi:
    process: Process
    url: str
    env: dict[str, str]
    root: Path

    def report(self) -> str:
        return f"----- API ({self.process.log_path}) -----\n{self.process.output()[-6000:]}"

    def create_store(self, name: str = "Acme Coffee", email: str = "owner@example.com") -> str:
        """A new store's API key, from the command line as an operator makes one."""
        done = subprocess.run(
            [
                *paylinks_command(),
                *["admin", "create-store", "--name", name, "--email", email],
                *["--password", "correct horse battery staple", "--json"],
            ],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"create-store failed:\n{done.stdout}\n{done.stderr}"
        return str(json.loads(done.stdout)["api_key"])

    def demo_key(self) -> str:
        """The API key of the demo store that ``paylinks up`` made."""
        login = json.loads((self.root / "data" / "demo.json").read_text())
        return str(login["api_key"])

    def stop(self) -> None:
        self.process.stop()


def start_lone_api(
    root: Path, *, up: bool = False, settings: dict[str, str] | None = None
) -> LoneApi:
    """``paylinks api`` (or ``paylinks up --no-web``) on a free port, ready to answer;
    ``settings`` adds environment variables."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logs = root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
        "PAYLINKS_DATA_DIR": str(root / "data"),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        "PAYLINKS_API_URL": url,
        "PYTHONUNBUFFERED": "1",
        **(settings or {}),
    }
    command = ["up", "--no-web"] if up else ["api"]
    process = Process("api", [*command, "--host", "127.0.0.1", "--port", str(port)], env, logs)
    deadline = time.monotonic() + START_WITHIN
    while not _answers(f"{url}/health"):
        if not process.alive or time.monotonic() > deadline:
            process.stop()
            raise AssertionError(f"the API did not start:\n{process.output()[-5000:]}")
        time.sleep(0.2)
    return LoneApi(process, url, env, root)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
