"""The OpenAPI document, precise enough for a generated client (SPEC §7).

What each operation documents derives from the handler that serves it and from the rules
the API enforces for every operation, so that neither drifts from the other:

- its ``operationId`` is the handler's name in camelCase (``createPaymentLink``), its
  summary the first sentence of the handler's docstring, its description the docstring;
- ``security``: the bearer scheme at the root, ``[]`` on each public operation;
- the error responses it can give: 400 (an unknown query parameter, a body that is not
  JSON, a bad cursor) on every ``/v1`` operation, 401 where it needs a key, 404 where its
  path names an object, 413/415/422 where it takes a body, 422 where it takes query
  parameters, 409 on every POST and PATCH (an ``Idempotency-Key`` reused) and where the handler
  declares a conflict (``CONFLICT``), 429 where it is rate-limited, 503 wherever it needs
  the database; 429 and 503 with ``Retry-After``;
- ``Idempotency-Key`` on every POST and PATCH and ``Idempotent-Replayed`` on its answers;
- ``Location`` on the 201 of a handler that says where the new object lives (``created``);
- binary answers (images, QR codes) as binary, CSV as text;
- ``additionalProperties: false`` on every body that refuses unknown fields;
- readable schema names (``LinkPage``, not ``Page_paylinks.links.model.LinkView_``), and
  no component nothing refers to.
"""

import copy
import re
from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Litestar, Request, Response
from litestar.datastructures import ResponseHeader
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Tag
from litestar.routes import HTTPRoute

from paylinks.idempotency.model import KEY_MAX
from paylinks_api.idempotency import METHODS as IDEMPOTENT
from paylinks_api.problems import PROBLEM_JSON, Problem
from paylinks_api.schemas import NO_NUL

#: The security requirement of every operation that needs a key or a session.
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]

TAGS = [
    Tag(name="Payment links", description="Create, list, change and share payment links."),
    Tag(name="Payments", description="A link's transactions, payments, refunds and exports."),
    Tag(name="Sharing", description="Send a link by email or SMS, and see its sends."),
    Tag(
        name="Checkout (public)",
        description="What the hosted checkout calls: no key, rate-limited per address, CORS "
        "for the origins of `PAYLINKS_CORS_ORIGINS`.",
    ),
    Tag(name="Images", description="Images shown on checkout pages."),
    Tag(name="Webhooks", description="Webhook endpoints, events and their deliveries."),
    Tag(name="Store", description="The caller's store and payments activation."),
    Tag(name="API keys", description="The store's API keys (their secrets are shown once)."),
    Tag(name="Venues", description="Locations of the store that links may belong to."),
    Tag(name="Auth", description="Sign-up, login and logout of the dashboard's users."),
    Tag(name="Gateways", description="Events from payment gateways (Stripe)."),
    Tag(name="Health", description="Liveness and readiness for load balancers."),
]

_ERRORS = {
    400: (
        "BadRequest",
        "Malformed request: an unknown query parameter, a body that is not "
        "JSON, a key twice, a cursor that is not an id of the list",
    ),
    401: ("Unauthorized", "Missing, wrong or revoked API key or session"),
    404: ("NotFound", "No such object in this store"),
    409: ("Conflict", "Conflict with the object's state, or an Idempotency-Key reused"),
    413: ("PayloadTooLarge", "Body too large"),
    415: ("UnsupportedMediaType", "The body is not sent as JSON"),
    422: ("Invalid", "Invalid fields, each named in `errors`"),
    429: ("RateLimited", "Too many requests: try again after `Retry-After` seconds"),
    503: ("Unavailable", "The database is unavailable: try again after `Retry-After` seconds"),
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """Problem answers an operation gives beyond those every operation of its kind does
    (``responses=problems(401)`` on a login that refuses a wrong password)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_ERRORS[status][1],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


#: A domain conflict an operation may answer (a link no longer payable, payments not
#: activated, a refund larger than what is left…).
CONFLICT = problems(409)

_RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}
#: The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers-11), on every answer of a
#: rate-limited operation.
_RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": 'The limits that apply, as `"checkout";q=60;w=60` (`q` requests per '
        "`w` seconds), a list when several do",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'Where the client stands, as `"checkout";r=12;t=42` (`r` requests '
        "left, `t` seconds until the window resets)",
        "schema": {"type": "string"},
    },
}
#: Answers the document types as binary.
_BINARY = frozenset({"image/png", "image/svg+xml", "image/jpeg", "image/webp"})
#: Images as ``GET /v1/images/{id}`` serves them (verified and re-encoded at upload).
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


def camel_case(name: str) -> str:
    """``create_payment_link`` or ``payment_link.paid`` → ``createPaymentLink``,
    ``paymentLinkPaid``: the operationIds of the document."""
    first, *rest = name.replace(".", "_").split("_")
    return first + "".join(word.capitalize() for word in rest)


def operation_id(handler: HTTPRouteHandler, *_: Any) -> str:
    """The handler's name in camelCase."""
    return camel_case(handler.handler_name)


def created(location: str) -> dict[str, Any]:
    """Decorator arguments of a handler that answers 201 with a new object: ``Location``
    is ``location`` with the object's ``id`` (``/v1/payment-links/{id}``)."""

    async def locate(response: Response[Any]) -> Response[Any]:
        if response.status_code == 201:
            object_id = getattr(response.content, "id", None)
            if isinstance(object_id, str):
                response.headers["Location"] = location.format(id=object_id)
        return response

    header = ResponseHeader(
        name="Location",
        description=f"Where the new object is read: `{location}`",
        documentation_only=True,
    )
    return {"after_request": locate, "response_headers": [header]}


class PreciseJson(JsonRenderPlugin):
    """``/docs/openapi.json``: the document Litestar generates, made precise once."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, Any] | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._made is None:
            self._made = document(request.app, copy.deepcopy(openapi_schema))
        return self.render_json(request, self._made)


def document(app: Litestar, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, as Litestar generated it for ``app``, made precise (module docstring)."""
    handlers = dict(_handlers(app))
    schema["security"] = BEARER
    components = schema.setdefault("components", {})
    components["responses"] = {
        name: _error_response(status, description)
        for status, (name, description) in _ERRORS.items()
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            handler = handlers.get(operation.get("operationId", ""))
            _operation(path, method, operation, handler)
    for name in _strict_bodies(handlers.values()):
        if name in components.get("schemas", {}):
            components["schemas"][name]["additionalProperties"] = False
    _rename_pages(schema)
    _drop_unused(schema)
    _no_nul(schema)
    return schema


def _handlers(app: Litestar) -> Iterator[tuple[str, HTTPRouteHandler]]:
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                yield operation_id(handler), handler


def _error_response(status: int, description: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = {"Retry-After": _RETRY_AFTER}
    if status == 429:
        response["headers"].update(_RATE_LIMIT_HEADERS)
    return response


def _operation(
    path: str, method: str, operation: dict[str, Any], handler: HTTPRouteHandler | None
) -> None:
    description = (operation.get("description") or "").strip()
    if description and not (handler is not None and handler.summary):
        operation["summary"] = _first_sentence(description)
    if not operation.get("security"):
        operation["security"] = []
    responses = operation["responses"]
    declared = {int(s) for s in responses if s in {str(code) for code in _ERRORS}}
    for status in sorted(declared | set(_error_statuses(path, method, operation, handler))):
        name = _ERRORS[status][0]
        responses[str(status)] = {"$ref": f"#/components/responses/{name}"}
    for status, response in responses.items():
        _typed_content(response, path)
        for name, header in response.get("headers", {}).items():
            if "schema" not in header and "content" not in header:
                header["schema"] = {"type": "string"}
            if name == "Location":
                header["schema"]["format"] = "uri-reference"
        if status.startswith("2") and _rate_limited(handler):
            response.setdefault("headers", {}).update(_RATE_LIMIT_HEADERS)
        if method.upper() in IDEMPOTENT and status.startswith("2"):
            headers = response.setdefault("headers", {})
            headers["Idempotent-Replayed"] = {
                "description": "`true` when this is the saved answer to an earlier request "
                "with the same Idempotency-Key",
                "schema": {"type": "string", "enum": ["true"]},
            }
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            _not_null(parameter)
    if method.upper() in IDEMPOTENT:
        operation.setdefault("parameters", []).append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Makes a retry safe: the same key and body replay the first "
                "answer for 24 hours; the key with another body is a 409.",
                "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
            }
        )


def _not_null(parameter: dict[str, Any]) -> None:
    """A query parameter is absent or a string: never ``null`` (which the framework would
    read from the text "null")."""
    schema = parameter.get("schema", {})
    branches = [b for b in schema.get("oneOf", []) if b != {"type": "null"}]
    if "oneOf" in schema and len(branches) == 1:
        del schema["oneOf"]
        parameter["schema"] = {**branches[0], **schema}


def _error_statuses(
    path: str, method: str, operation: dict[str, Any], handler: HTTPRouteHandler | None
) -> list[int]:
    statuses = {503} if path != "/health/live" else set()
    params = operation.get("parameters", [])
    body = "requestBody" in operation
    if path.startswith("/v1/"):
        statuses.add(400)
    if operation["security"]:
        statuses.add(401)
    if any(p["in"] == "path" for p in params):
        statuses.add(404)
    if body:
        statuses |= {413, 422}
        if "application/json" in operation["requestBody"].get("content", {}):
            statuses.add(415)
    if any(p["in"] == "query" for p in params):
        statuses.add(422)
    if method.upper() in IDEMPOTENT:
        statuses.add(409)
    if _rate_limited(handler):
        statuses.add(429)
    return sorted(statuses)


def _rate_limited(handler: HTTPRouteHandler | None) -> bool:
    return handler is not None and any(
        getattr(guard, "rate_limit_scope", None) for guard in handler.resolve_guards()
    )


def _typed_content(response: dict[str, Any], path: str) -> None:
    content = response.get("content", {})
    if "application/octet-stream" in content and path.startswith("/v1/images/"):
        del content["application/octet-stream"]
        content.update({media: {} for media in IMAGE_TYPES})
    for media in list(content):
        if media in _BINARY:
            content[media] = {
                "schema": {"type": "string", "format": "binary", "contentMediaType": media}
            }
        elif media.startswith("text/"):
            content[media] = {"schema": {"type": "string"}}


def _first_sentence(text: str) -> str:
    paragraph = text.split("\n\n", 1)[0].replace("\n", " ")
    sentence = re.split(r"(?<=[.:;])\s", paragraph, maxsplit=1)[0]
    return sentence.rstrip(".:;").replace("``", "`")


def _strict_bodies(handlers: Any) -> set[str]:
    """Names of the body structs (and the structs inside them) that refuse unknown fields."""
    names: set[str] = set()
    seen: set[type] = set()

    def visit(info: msgspec.inspect.Type) -> None:
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls in seen:
                return
            seen.add(info.cls)
            if info.forbid_unknown_fields:
                names.add(info.cls.__name__)
            for field in info.fields:
                visit(field.type)
        for child in _children(info):
            visit(child)

    for handler in handlers:
        data = handler.parsed_fn_signature.parameters.get("data")
        if data is not None:
            try:
                visit(msgspec.inspect.type_info(data.annotation))
            except (TypeError, ValueError):
                continue
    return names


def _children(info: msgspec.inspect.Type) -> list[msgspec.inspect.Type]:
    children: list[msgspec.inspect.Type] = []
    for attribute in ("item_type", "key_type", "value_type"):
        child = getattr(info, attribute, None)
        if isinstance(child, msgspec.inspect.Type):
            children.append(child)
    children.extend(getattr(info, "types", ()) or ())
    return children


_PAGE = re.compile(r"Page_(?:[\w]+\.)*(?P<name>\w+?)(?:View|Out)?_")


def _rename_pages(schema: dict[str, Any]) -> None:
    """``Page_paylinks.links.model.LinkView_`` → ``LinkPage``, references included."""
    schemas = schema["components"].get("schemas", {})
    renames = {}
    for name in list(schemas):
        match = _PAGE.fullmatch(name)
        if match:
            new = f"{match['name']}Page"
            renames[name] = new
            page = schemas.pop(name)
            if new not in schemas:
                schemas[new] = {**page, "title": new}
    prefix = "#/components/schemas/"
    for node in _nodes(schema):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] in renames:
            node["$ref"] = prefix + renames[ref[len(prefix) :]]


def _drop_unused(schema: dict[str, Any]) -> None:
    """Components nothing refers to (Litestar registers every type it saw)."""
    schemas = schema["components"].get("schemas", {})
    outside = {k: v for k, v in schema.items() if k != "components"}
    pending = [*_refs(outside), *_refs(schema["components"].get("responses", {}))]
    used: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in used and name in schemas:
            used.add(name)
            pending.extend(_refs(schemas[name]))
    for name in set(schemas) - used:
        del schemas[name]


def _refs(value: Any) -> list[str]:
    return [str(node["$ref"]).rsplit("/", 1)[-1] for node in _nodes(value) if "$ref" in node]


def _no_nul(schema: dict[str, Any]) -> None:
    """Every string the API takes refuses NUL (``strict_input``): a string schema without a
    pattern of its own says so (the answers, which share components, never hold one)."""
    parameters = [
        p.get("schema", {})
        for item in schema["paths"].values()
        for operation in item.values()
        for p in operation.get("parameters", [])
    ]
    bodies = [
        operation["requestBody"]
        for item in schema["paths"].values()
        for operation in item.values()
        if "requestBody" in operation
    ]
    for node in _nodes([schema["components"].get("schemas", {}), parameters, bodies]):
        if node.get("type") == "string" and not {"pattern", "format", "enum"} & set(node):
            node["pattern"] = NO_NUL


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
