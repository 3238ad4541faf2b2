"""What the API takes is exactly what it documents, checked once at the edge, before any
handler runs; the answer is a problem naming the field.

- A query parameter the operation does not have is a 400 ``unknown_parameter``: a
  mistyped filter must not answer the unfiltered list.
- A body sent to an operation that takes JSON must say it is JSON (415 otherwise): the
  form encoding curl uses for ``-d`` would otherwise be read leniently.
- A JSON object with the same key twice is a 400 ``duplicate_key`` (which one would
  count depends on the parser).
- An object id in the path that does not have the shape of an id (``plink_`` + 32 hex)
  is a 404 before any query.

- JSON bodies are decoded strictly against the handler's body type: an integer is a JSON
  number without a fraction, never the string ``"1450"``, ``"1e3"`` or ``1450.0`` (the
  framework's own conversion is lax, made for query strings, and money deserves better).
- No NUL character in any JSON string or query parameter: PostgreSQL cannot store one in
  a text column (the request would fail there, and be stored on SQLite), and no title,
  name, address or message needs one.

A route that reads its body as raw bytes (the Stripe webhook, whose signature covers the
exact body) opts out with ``opt={RAW_BODY: True}``.
"""

import contextlib
import json
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler

from paylinks.errors import BadRequest, FieldError, NotFound, ValidationFailed
from paylinks.ids import ID_PATTERN
from paylinks_api.parameters import query_aliases
from paylinks_api.problems import UnsupportedMediaType, field_of, message_of

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


#: ``plink_`` + a UUIDv7 as 32 lowercase hex digits (paylinks.ids).
_ID_SHAPE = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))


def _unknown_parameter(query: bytes, declared: Collection[str]) -> str | None:
    for key, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if key not in declared:
            return key
    return None


def _takes_json(handler: HTTPRouteHandler) -> bool:
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return False
    media = getattr(data.kwarg_definition, "media_type", None) or RequestEncodingType.JSON
    return bool(media == RequestEncodingType.JSON)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _pairs_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BadRequest("duplicate_key", key, f"The key {key!r} appears twice.")
        seen[key] = value
    return seen


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
    if handler.opt.get(RAW_BODY) or not isinstance(handler, HTTPRouteHandler):
        return
    for name, value in request.path_params.items():
        if name.endswith("_id") and isinstance(value, str) and not _ID_SHAPE.fullmatch(value):
            raise NotFound("No such object.")
    query = request.scope.get("query_string", b"")
    if query and request.scope["path"].startswith("/v1/"):
        declared = query_aliases(handler, request.path_params).values()
        unknown = _unknown_parameter(query, declared)
        if unknown is not None:
            message = "This operation has no such query parameter."
            # The name as sent, but for NUL, which no answer holds (the document says so).
            raise BadRequest("unknown_parameter", unknown.replace("\x00", ""), message)
    field = _query_field(query)
    if field is not None:
        raise ValidationFailed([FieldError(field, NUL_MESSAGE)])
    content_type = request.headers.get("content-type", "")
    if _takes_json(handler) and not _is_json(content_type) and (await request.body()).strip():
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    if _is_json(content_type):
        body = await request.body()
        error = _body_error(body, _body_type(handler))
        if error is not None:
            raise ValidationFailed([error])
        if body.count(b'"') > 3:  # an object with two keys, at least
            # Not JSON: the handler's own decoding answers that.
            with contextlib.suppress(ValueError, RecursionError):
                json.loads(body, object_pairs_hook=_pairs_once)
