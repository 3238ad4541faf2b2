"""The API's answers as exceptions: an RFC 9457 problem becomes ``Problem`` (its stable
``code`` and one message per field), no usable answer (down, timed out, a server error)
becomes ``Unreachable``."""

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
