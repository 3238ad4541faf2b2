"""The README's "Try it with curl" runs as written: its shell blocks, taken from the README
and run by bash against a live API, on the demo store of ``paylinks up`` and on a store
made with ``paylinks admin create-store``."""

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image

from tests.docs.markdown import code_blocks, read, section
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.lone_api import LoneApi, start_lone_api

STEP_MARK = "@@step {}@@"
SETTLE_WITHIN = 20.0


def quickstart_blocks() -> list[str]:
    """The ```sh blocks of the README's quickstart section, in order."""
    return code_blocks(section(read("README.md"), "## Try it with curl"), "sh")


def run_steps(blocks: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """Every block run in one bash, in order (a later step uses what an earlier one set),
    stopping at the first command that fails; each step's output, split by markers
    printed between the blocks."""
    script = "\n".join(
        f"echo '{STEP_MARK.format(i)}'\n{block}\necho" for i, block in enumerate(blocks)
    )
    done = subprocess.run(
        ["bash", "-e", "-u", "-o", "pipefail", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the quickstart failed:\n{done.stdout}\n{done.stderr}"
    outputs = re.split(r"^@@step \d+@@$", done.stdout, flags=re.MULTILINE)[1:]
    assert len(outputs) == len(blocks)
    return [output.strip() for output in outputs]


class TestTheBlocks:
    def test_the_first_sets_the_key_and_the_address_the_others_use(self) -> None:
        setup, *steps = quickstart_blocks()
        assert re.search(r"^export KEY=sk_\.\.\.", setup, flags=re.MULTILINE)
        assert "export API=http://127.0.0.1:8000" in setup
        assert len(steps) >= 5
        assert all("uuidgen" not in step for step in steps)


@pytest.fixture(params=["demo store", "create-store"])
def api_and_key(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LoneApi, str]]:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    demo = request.param == "demo store"
    api = start_lone_api(tmp_path, up=demo)
    request.node.stash[PROCESS_OUTPUT] = api.report
    try:
        yield api, api.demo_key() if demo else api.create_store()
    finally:
        api.stop()


def test_the_quickstart_runs_verbatim(api_and_key: tuple[LoneApi, str], tmp_path: Path) -> None:
    api, key = api_and_key
    _setup, *blocks = quickstart_blocks()
    workdir = tmp_path / "reader"
    workdir.mkdir()
    env = {**os.environ, "KEY": key, "API": api.url}
    activate, create, qr, pay, payments, refund = (
        _json_lines(output) for output in run_steps(blocks, env, workdir)
    )

    store = activate[-1]
    assert store["payments_activated"] is True
    assert store["gateway"] == "sandbox"

    link = create[-1]
    assert link["id"].startswith("plink_")
    assert link["status"] == "active"
    assert link["amount"] == 1450
    assert link["type"] == "reusable"

    assert qr == []
    with Image.open(workdir / "qr.png") as image:
        assert image.format == "PNG"
        decoded = zxingcpp.read_barcodes(image)
    assert [code.text for code in decoded] == [link["url"]]

    payment = pay[-1]
    assert payment["id"].startswith("pay_")
    assert payment["status"] == "succeeded"
    assert payment["payment_link_id"] == link["id"]

    listed = payments[-1]
    assert [p["id"] for p in listed["data"]] == [payment["id"]]
    assert listed["data"][0]["status"] == "succeeded"

    made = refund[-1]
    assert made["id"].startswith("re_")
    assert made["status"] == "pending"
    assert made["amount"] == 500
    assert _settled(api, key, made["id"])["status"] == "succeeded"


def _json_lines(output: str) -> list[Any]:
    """The JSON documents a step printed, one a line (curl prints them without a newline,
    the marker's echo ends each step's last)."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _settled(api: LoneApi, key: str, refund_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + SETTLE_WITHIN
    while True:
        response = httpx.get(
            f"{api.url}/v1/refunds/{refund_id}", headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        if found["status"] != "pending" or time.monotonic() > deadline:
            return found
        time.sleep(0.2)
