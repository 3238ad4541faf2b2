"""No NUL character in the text the API takes.

PostgreSQL cannot store one in a text column (the request would fail with a 500 there,
and be stored on SQLite), and no title, name, address or message needs one. Checked once,
at the edge, for every query string and JSON body, before the handler runs: the answer is
the usual 422 problem naming the field. A route that reads its body as raw bytes (the
Stripe webhook, whose signature covers the exact body) opts out with ``opt={RAW_BODY: True}``.
"""

import json
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request

from paylinks.errors import FieldError, ValidationFailed

RAW_BODY = "raw_body"
MESSAGE = "Must not contain the NUL character (U+0000)."
#: How JSON writes NUL inside a string; a raw NUL byte is not valid JSON at all.
_ESCAPED_NUL = b"\\u0000"


def nul_field(value: Any) -> str | None:
    """The field (dotted path; a list's items answer for the list) of the first string
    or key holding NUL in decoded JSON, or None. Iterative: JSON may nest deeply."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return path or "body"
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend((path, child) for child in item)
    return None


def _query_field(query: bytes) -> str | None:
    if b"%00" not in query and b"\x00" not in query:
        return None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="replace")
    for key, value in pairs:
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "") or "query"
    return None


async def refuse_nul_text(request: Request[Any, Any, Any]) -> None:
    """``before_request`` of every route: a 422 for NUL in a query or JSON body field."""
    if request.route_handler.opt.get(RAW_BODY):
        return
    field = _query_field(request.scope.get("query_string", b""))
    if field is None and "json" in request.headers.get("content-type", ""):
        body = await request.body()
        if _ESCAPED_NUL in body:
            try:
                field = nul_field(json.loads(body))
            except (ValueError, RecursionError):
                return  # the handler's own decoding answers a bad body
    if field is not None:
        raise ValidationFailed([FieldError(field, MESSAGE)])
