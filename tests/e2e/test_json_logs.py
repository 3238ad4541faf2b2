"""``PAYLINKS_LOG_FORMAT=json``: ``paylinks api`` logs one JSON object a line, each line of a
request with that request's id (SPEC §10)."""

import json
import time
from pathlib import Path

import httpx

from tests.e2e.lone_api import start_lone_api


def test_each_line_is_json_and_a_requests_lines_carry_its_id(tmp_path: Path) -> None:
    api = start_lone_api(tmp_path, settings={"PAYLINKS_LOG_FORMAT": "json"})
    try:
        answer = httpx.get(f"{api.url}/v1/payment-links", headers={"x-request-id": "x"})
        request_id = answer.headers["request-id"]
        deadline = time.monotonic() + 10
        while request_id not in api.process.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        output = api.process.output()
    finally:
        api.stop()

    lines = [line for line in output.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    mine = [r for r in records if r["request_id"] == request_id]
    assert mine, output[-3000:]
    assert any("/v1/payment-links" in r["message"] and "401" in r["message"] for r in mine)
