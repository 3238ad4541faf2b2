"""The API (``paylinks api``) and the checkout app (through ``paylinks_cli.webapps``) as real
processes on a temporary data dir, and a merchant that makes links on them over HTTP."""

import itertools
import os
import shutil
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from paylinks_cli.webapps import WebApp
from tests.e2e.processes import IN_CI, Process, free_port
from tests.factories import LogMailbox, confirmation_tokens, image_bytes

SECRET_KEY = "browser-secret-key-" + "s" * 40
START_WITHIN = 90.0
CARD_OK = "4242 4242 4242 4242"
CARD_DECLINED = "4000 0000 0000 0002"
_emails = itertools.count(1)


def chromium_or_skip() -> str:
    """Debian's chromium (never a browser Playwright downloads): fail under CI, skip
    elsewhere, when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "chromium is not installed (apt-get install -y chromium)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Servers:
    api: Process
    api_url: str
    checkout: WebApp
    checkout_url: str
    data_dir: Path

    def report(self) -> str:
        return (
            f"----- API ({self.api.log_path}) -----\n{self.api.output()[-6000:]}\n"
            f"----- checkout ({self.checkout.log_path}) -----\n{self.checkout.log_tail(80)}"
        )


def start_servers(root: Path, env: dict[str, str] | None = None) -> Servers:
    """The API on SQLite with its jobs in-process, and the checkout built and served in
    prod mode on ports of their own; ``env`` adds settings for the API."""
    data_dir = root / "data"
    logs = root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    api_port, checkout_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    checkout_url = f"http://127.0.0.1:{checkout_port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAYLINKS_")},
        "PAYLINKS_DATA_DIR": str(data_dir),
        "PAYLINKS_SECRET_KEY": SECRET_KEY,
        "PAYLINKS_API_URL": api_url,
        "PAYLINKS_CHECKOUT_URL": checkout_url,
        "PAYLINKS_RATE_LIMIT_PER_MINUTE": "100000",
        "PAYLINKS_START_LIMIT_PER_HOUR": "100000",
        "PAYLINKS_WEBHOOKS_ALLOW_PRIVATE": "true",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    api = Process("api", ["api", "--host", "127.0.0.1", "--port", str(api_port)], env, logs)
    checkout = WebApp(
        "checkout",
        checkout_port,
        data_dir=data_dir,
        env={"PAYLINKS_API_URL": api_url, "PAYLINKS_CHECKOUT_URL": checkout_url},
        say=lambda line: print(line, flush=True),
    )
    try:
        checkout.start()
        deadline = time.monotonic() + START_WITHIN
        while not _answers(f"{api_url}/health"):
            if not api.alive or time.monotonic() > deadline:
                raise AssertionError(f"the API did not start:\n{api.output()[-5000:]}")
            time.sleep(0.2)
        checkout.wait_ready()
    except BaseException:
        checkout.stop()
        api.stop()
        raise
    return Servers(api, api_url, checkout, checkout_url, data_dir)


def stop_servers(servers: Servers) -> None:
    servers.checkout.stop()
    servers.api.stop()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _signed_up(http: httpx.Client, api_log: Path, body: dict[str, str]) -> str:
    """Sign up on the running API and return the token of the confirmation link it writes
    to its log (it has no SMTP: the development fallback), as a local user would follow it."""
    log = LogMailbox(api_log)
    response = http.post("/v1/auth/signup", json=body)
    assert response.status_code == 202, response.text
    [token] = confirmation_tokens(log.read())
    return token


class Merchant:
    """A store on the running API, signed up as a merchant does (the emailed link read
    from the API's log, ``api_log``), making links as an integrator does."""

    def __init__(
        self,
        api_url: str,
        api_log: Path,
        currency: str = "GBP",
        name: str = "Acme Coffee",
        gateway: dict[str, str] | None = None,
    ) -> None:
        self.http = httpx.Client(base_url=api_url, timeout=20)
        self.email = f"browser{next(_emails)}-{time.time_ns()}@example.com"
        self.password = "correct horse battery staple"
        token = _signed_up(
            self.http,
            api_log,
            {
                "store_name": name,
                "email": self.email,
                "password": self.password,
                "currency": currency,
            },
        )
        response = self.http.post("/v1/auth/signup/confirm", json={"token": token})
        assert response.status_code == 201, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['api_key']}"
        activated = self.http.post(
            "/v1/store/payments/activate", json=gateway or {"gateway": "sandbox"}
        )
        assert activated.status_code == 200, activated.text

    def link(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "Espresso beans", "amount": 1450, **fields}
        if body.get("amount_type") == "variable":
            body.pop("amount", None)
        response = self.http.post("/v1/payment-links", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def image(self) -> str:
        """An uploaded image's id (a small PNG drawn by Pillow)."""
        content = image_bytes("PNG", (480, 240), "#6f4e37")
        response = self.http.post("/v1/images", files={"file": ("beans.png", content, "image/png")})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def deactivate(self, link_id: str) -> None:
        response = self.http.post(f"/v1/payment-links/{link_id}/deactivate")
        assert response.status_code == 200, response.text

    def payments(self, link_id: str) -> list[dict[str, Any]]:
        response = self.http.get(f"/v1/payment-links/{link_id}/payments")
        assert response.status_code == 200, response.text
        return list(response.json()["data"])


class MerchantSite:
    """The merchant's own website, where a redirect link sends the customer after paying."""

    def __init__(self) -> None:
        visits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                visits.append(self.path)
                body = b"<!doctype html><title>Acme</title><h1>Thanks for your order</h1>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.visits = visits
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "MerchantSite":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
