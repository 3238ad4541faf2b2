"""Every error as RFC 9457 problem details: a stable ``code``, and the fields at fault."""

import logging
import re
from types import CodeType
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.serialization import decode_json
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from paylinks.db.errors import DatabaseUnavailable, is_unavailable
from paylinks.errors import (
    BadRequest,
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from paylinks.payments.service import LinkUnavailable
from paylinks_api.edge import current_request_id
from paylinks_api.parameters import query_aliases
from paylinks_api.ratelimit import RateLimited

log = logging.getLogger("paylinks.api")

PROBLEM_JSON = "application/problem+json"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


_STATUS_OF: list[tuple[type[DomainError], int]] = [
    (DatabaseUnavailable, 503),
    (BadRequest, 400),
    (UnsupportedMediaType, 415),
    (RateLimited, 429),
    (LinkUnavailable, 409),
    (ValidationFailed, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthorized, 401),
]

_CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    errors: list[FieldError] | None = None
    retry_after: int | None = None
    #: The ``Request-Id`` of the response, to quote when asking about it.
    request_id: str | None = None


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> Response[bytes]:
    title = _TITLES.get(status, "Error")
    body = Problem(
        type=f"urn:paylinks:problem:{code}",
        title=title,
        status=status,
        code=code,
        detail=detail,
        errors=errors,
        retry_after=retry_after,
        request_id=current_request_id(),
    )
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[bytes]:
    status = next((s for kind, s in _STATUS_OF if isinstance(error, kind)), 400)
    errors = error.errors if isinstance(error, ValidationFailed) else None
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers = {"Retry-After": str(retry_after)}
    return problem_response(status, error.code, error.message, errors, headers, retry_after)


# msgspec says where a value is wrong as "at `$.customer_fields.email`"; Litestar moves that
# path into the error's key ("customer_fields", or "data" for the body itself).
_PATH = re.compile(r"at `\$(?P<path>[^`]*)`")
_NAMED = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]*)`")


def field_of(message: str, key: str = "") -> str:
    """The dotted field name an error points at, from its key and its message."""
    base = "" if key in ("", "data") else key.removeprefix("data.")
    if not base and (match := _PATH.search(message)):
        base = match["path"]
    # "metadata[...]" is a map's value, "items[1]" a list's element.
    base = base.replace("[...]", "").replace("[", ".").replace("]", "").strip(".")
    if match := _NAMED.search(message):
        return f"{base}.{match['name']}" if base else match["name"]
    return base or "body"


def message_of(error: str) -> str:
    """A validation error's message without the path (the field says where)."""
    return _PATH.sub("", error).strip(" -") or "Invalid value."


def validation_error(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[bytes]:
    extra = error.extra if isinstance(error.extra, list) else []
    errors: list[FieldError] = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "Invalid value."))
        key = str(item.get("key") or "")
        source = item.get("source")
        if source == "query":
            key = _wire_name(request, key)
        field = field_of(message, key) if source in (None, "body") else key or str(source)
        errors.append(FieldError(field, message_of(message)))
    detail = str(error.detail)
    if not errors and "JSON is malformed" in detail:
        return problem_response(400, "invalid_json", "The body is not valid JSON.")
    if not errors:
        errors.append(FieldError("body", message_of(detail)))
    return problem_response(422, "validation_error", "The request is invalid.", errors)


def _wire_name(request: Request[Any, Any, Any], name: str) -> str:
    """A query parameter's name as the client sent it (``type``, not ``link_type``)."""
    handler = request.scope.get("route_handler")
    if not isinstance(handler, HTTPRouteHandler):
        return name
    return query_aliases(handler, request.path_params).get(name, name)


def http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    status = error.status_code
    if status >= 500:
        log.error("HTTP %s: %s", status, error.detail)
        return problem_response(
            status, _CODE_OF_STATUS.get(status, "error"), "Something went wrong on our side."
        )
    detail = str(error.detail) if error.detail else None
    if status == 400 and detail and "JSON is malformed" in detail:
        return problem_response(400, "invalid_json", "The body is not valid JSON.")
    return problem_response(
        status, _CODE_OF_STATUS.get(status, "error"), detail, headers=dict(error.headers or {})
    )


def _code_objects(error: BaseException) -> list[CodeType]:
    """The code of each frame the error passed through, outermost first."""
    codes, tb = [], error.__traceback__
    while tb is not None:
        codes.append(tb.tb_frame.f_code)
        tb = tb.tb_next
    return codes


def raised_reading_a_json_body(error: BaseException) -> bool:
    """Raised by Litestar's JSON decoder itself (the innermost Python frame) while a request
    reads its body."""
    codes = _code_objects(error)
    return bool(codes) and codes[-1] is decode_json.__code__ and Request.json.__code__ in codes


def undecodable_body(
    request: Request[Any, Any, Any], error: UnicodeDecodeError | RecursionError
) -> Response[bytes]:
    """msgspec reports most broken JSON as a DecodeError, which Litestar answers as a 400;
    invalid UTF-8 and nesting past the recursion limit escape as these two instead. They are
    the client's fault only when the decoder raised them on a request body: anywhere else
    they are ours, and a 500."""
    if not raised_reading_a_json_body(error):
        return unexpected_error(request, error)
    detail = (
        "The body is not valid UTF-8."
        if isinstance(error, UnicodeDecodeError)
        else "The body is nested too deeply."
    )
    return problem_response(400, "invalid_json", detail)


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    if is_unavailable(error):
        return database_unavailable(request, error)
    # Logged with the traceback for operators; the client gets no internals.
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side."
    )


def database_unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    """A database that is down, refusing connections or out of free ones: the request did
    not run, and the client may retry (a 503, never a 500 or a hang)."""
    # One line, no traceback: an outage would otherwise flood the log.
    log.warning(
        "Database unavailable on %s %s: %s: %s",
        request.method,
        request.url.path,
        type(error).__name__,
        error,
    )
    unavailable = DatabaseUnavailable()
    return domain_error(request, unavailable)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    UnicodeDecodeError: undecodable_body,
    RecursionError: undecodable_body,
    Exception: unexpected_error,
}
