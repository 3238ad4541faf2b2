"""A fake Twilio REST API on 127.0.0.1: enough of ``Messages.json`` for the SDK."""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import msgspec


class FakeTwilio:
    def __init__(self, account_sid: str = "AC" + "0" * 32, token: str = "tok") -> None:
        self.account_sid = account_sid
        self.sent: list[dict[str, str]] = []
        self.auth_headers: list[str] = []
        #: Status codes to answer before accepting (e.g. 503 for an outage).
        self.failures: list[int] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                expected = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
                body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
                fake.auth_headers.append(self.headers.get("authorization", ""))
                if self.path != expected:
                    return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                if fake.failures:
                    status = fake.failures.pop(0)
                    return self._answer(
                        status, {"code": 20500, "message": "Unavailable", "status": status}
                    )
                form = {k: v[0] for k, v in parse_qs(body).items()}
                if not form.get("To", "").startswith("+"):
                    return self._answer(
                        400, {"code": 21211, "status": 400, "message": "Invalid 'To' Phone Number"}
                    )
                fake.sent.append(form)
                return self._answer(
                    201,
                    {
                        "sid": "SM" + uuid.uuid4().hex,
                        "status": "queued",
                        "to": form["To"],
                        "from": form.get("From"),
                        "body": form.get("Body"),
                        "account_sid": fake.account_sid,
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                    },
                )

            def _answer(self, status: int, payload: dict[str, object]) -> None:
                data = msgspec.json.encode(payload)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator["FakeTwilio"]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
