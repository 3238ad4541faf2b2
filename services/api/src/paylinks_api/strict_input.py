"""What the API takes is exactly what it documents, checked once at the edge, before any
handler runs; the answer is the usual 422 problem naming the field.

- JSON bodies are decoded strictly against the handler's body type: an integer is a JSON
  number without a fraction, never the string ``"1450"``, ``"1e3"`` or ``1450.0`` (the
  framework's own conversion is lax, made for query strings, and money deserves better).
- No NUL character in any JSON string or query parameter: PostgreSQL cannot store one in
  a text column (the request would fail there, and be stored on SQLite), and no title,
  name, address or message needs one.

A route that reads its body as raw bytes (the Stripe webhook, whose signature covers the
exact body) opts out with ``opt={RAW_BODY: True}``.
"""

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.handlers import HTTPRouteHandler

from paylinks.errors import FieldError, ValidationFailed
from paylinks_api.problems import field_of, message_of

RAW_BODY = "raw_body"
NUL_MESSAGE = "Must not contain the NUL character (U+0000)."
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


def _body_type(handler: Any) -> type | None:
    if not isinstance(handler, HTTPRouteHandler):
        return None
    data = handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data is not None else None


def _body_error(body: bytes, body_type: type | None) -> FieldError | None:
    try:
        decoded = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None  # not JSON: the handler's own decoding answers that
    if _ESCAPED_NUL in body and (field := nul_field(decoded)) is not None:
        return FieldError(field, NUL_MESSAGE)
    if body_type is not None:
        try:
            msgspec.convert(decoded, body_type, strict=True)
        except msgspec.ValidationError as error:
            return FieldError(field_of(str(error)), message_of(str(error)))
    return None


async def check_input(request: Request[Any, Any, Any]) -> None:
    """``before_request`` of every route."""
    handler = request.route_handler
    if handler.opt.get(RAW_BODY):
        return
    field = _query_field(request.scope.get("query_string", b""))
    if field is not None:
        raise ValidationFailed([FieldError(field, NUL_MESSAGE)])
    if "json" in request.headers.get("content-type", ""):
        error = _body_error(await request.body(), _body_type(handler))
        if error is not None:
            raise ValidationFailed([error])
