"""The public checkout API over HTTP (``PAYLINKS_API_URL``), called like any integrator
calls it: every rule lives behind the API, this module only carries requests and answers.
"""

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


def api_url() -> str:
    return os.environ.get("PAYLINKS_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL


@dataclass
class Problem(Exception):
    """An RFC 9457 problem answered by the API."""

    status: int
    code: str
    detail: str
    errors: dict[str, str] = field(default_factory=dict)
    retry_after: int | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"


class Unreachable(Exception):
    """The API did not answer (down, timed out, or answered something unreadable)."""


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> int | None:
    raw = body.get("retry_after", response.headers.get("Retry-After"))
    try:
        return max(1, int(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


def problem_of(response: httpx.Response) -> Problem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors: dict[str, str] = {}
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("field"):
            errors.setdefault(str(error["field"]), str(error.get("message") or "Not valid."))
    return Problem(
        status=response.status_code,
        code=str(body.get("code") or f"http_{response.status_code}"),
        detail=str(body.get("detail") or body.get("title") or response.reason_phrase),
        errors=errors,
        retry_after=_retry_after(response, body),
    )


class CheckoutApi:
    """``GET/POST /v1/checkout/…``: answers as dicts, failures as Problem or Unreachable."""

    def __init__(
        self,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        customer_ip: str | None = None,
    ) -> None:
        self.base_url = (base_url or api_url()).rstrip("/")
        self.transport = transport
        # The API limits checkout requests per customer address: say whose request it is.
        self.headers = {"X-Forwarded-For": customer_ip} if customer_ip else {}

    async def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url,
                transport=self.transport,
                timeout=TIMEOUT,
                headers=self.headers,
            ) as client:
                response = await client.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise Unreachable(f"{method} {path}: {error!r}") from error
        if response.status_code >= 500:
            raise Unreachable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise problem_of(response)
        try:
            answer = response.json()
        except ValueError as error:
            raise Unreachable(f"{method} {path}: not JSON") from error
        if not isinstance(answer, dict):
            raise Unreachable(f"{method} {path}: not a JSON object")
        return answer

    async def get_link(self, link_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/checkout/links/{link_id}")

    async def start_payment(
        self, link_id: str, amount: int | None, customer: dict[str, str | None]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"customer": customer}
        if amount is not None:
            body["amount"] = amount
        return await self._call("POST", f"/v1/checkout/links/{link_id}/payments", body)

    async def confirm(self, payment_id: str, card: dict[str, Any] | None) -> dict[str, Any]:
        body = {"card": card} if card is not None else {}
        return await self._call("POST", f"/v1/checkout/payments/{payment_id}/confirm", body)

    async def get_payment(self, payment_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/checkout/payments/{payment_id}")


def client(customer_ip: str | None = None) -> CheckoutApi:
    """The API client the pages use (tests replace it)."""
    return CheckoutApi(customer_ip=customer_ip)
