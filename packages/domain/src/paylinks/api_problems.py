"""How the web apps call the API and read its answers: an RFC 9457 problem becomes
``Problem`` (its stable ``code`` and one message per field), no usable answer (down, timed
out, a server error) becomes ``Unreachable``."""

import os
from dataclasses import dataclass, field
from typing import Any

import httpx


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
    """The problem an error answer carries (a body that is not one still gives a Problem)."""
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


TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_API_URL = "http://127.0.0.1:8000"


def api_url() -> str:
    """Where the web apps reach the API (``PAYLINKS_API_URL``; ``paylinks up`` sets it)."""
    return os.environ.get("PAYLINKS_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL


async def send(
    base_url: str,
    transport: httpx.AsyncBaseTransport | None,
    client_headers: dict[str, str],
    method: str,
    path: str,
    **request: Any,
) -> httpx.Response:
    """One request (``request``: httpx's ``json``, ``params``, ``files``, ``headers`` of
    this request beside ``client_headers``): its answer when it succeeded, else
    ``Problem`` (4xx) or ``Unreachable``."""
    try:
        async with httpx.AsyncClient(
            base_url=base_url, transport=transport, timeout=TIMEOUT, headers=client_headers
        ) as client:
            response = await client.request(method, path, **request)
    except httpx.HTTPError as error:
        raise Unreachable(f"{method} {path}: {error!r}") from error
    if response.status_code >= 500:
        raise Unreachable(f"{method} {path}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise problem_of(response)
    return response
