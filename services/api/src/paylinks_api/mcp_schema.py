"""MCP tools built on the REST API's own schemas: each tool's arguments are a msgspec
Struct, checked as a request body is (strict types, unknown fields refused), and its result
is a REST view, published as the tool's output schema.

A failure is the REST API's problem body (code, detail, errors with wire field names) as
the text of an error result, so that an agent reads one shape of error on both edges.
"""

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
import msgspec.inspect
from litestar import Request
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, TextContent, ToolAnnotations

from paylinks.errors import DomainError, FieldError, Unauthorized, ValidationFailed
from paylinks.stores.model import Principal
from paylinks_api.problems import domain_error, field_of, message_of

S = TypeVar("S", bound=msgspec.Struct)

#: Where the door (``mcp_tools``) leaves the caller it authenticated, in the ASGI scope's
#: state, for the tools of that request.
PRINCIPAL = "paylinks_principal"


def root_schema(kind: Any) -> dict[str, Any]:
    """The JSON schema of a msgspec type with the type itself at its root, as a tool's
    input and output schemas must be (msgspec puts a Struct in ``$defs`` and refers to it)."""
    built = msgspec.json.schema(kind)
    if "$ref" not in built:
        return built
    definitions = dict(built["$defs"])
    root = definitions.pop(built["$ref"].rsplit("/", 1)[-1])
    return {**root, "$defs": definitions} if definitions else dict(root)


class SchemaArguments(FuncMetadata):
    """The arguments of a tool checked by msgspec against a schema of the REST API rather
    than by pydantic: handed over as sent, in one ``arguments`` dict. As the SDK does for
    its own tools, an object argument sent as JSON text (some clients do) is decoded."""

    arg_model: type[ArgModelBase] = ArgModelBase
    objects: frozenset[str] = frozenset()

    @classmethod
    def of(cls, schema: type[msgspec.Struct], output: Any) -> "SchemaArguments":
        info = msgspec.inspect.type_info(schema)
        assert isinstance(info, msgspec.inspect.StructType)
        objects = frozenset(f.encode_name for f in info.fields if _takes_object(f.type))
        return cls(objects=objects, output_schema=root_schema(output))

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        arguments = dict(arguments_to_validate)
        for name in self.objects & arguments.keys():
            if isinstance(arguments[name], str):
                with contextlib.suppress(ValueError, RecursionError):
                    decoded = json.loads(arguments[name])
                    if isinstance(decoded, dict):
                        arguments[name] = decoded
        return {"arguments": arguments}


def _takes_object(kind: msgspec.inspect.Type) -> bool:
    if isinstance(kind, msgspec.inspect.Metadata):
        return _takes_object(kind.type)
    if isinstance(kind, msgspec.inspect.UnionType):
        return any(_takes_object(member) for member in kind.types)
    return isinstance(kind, msgspec.inspect.StructType | msgspec.inspect.DictType)


def arguments_of(arguments: dict[str, Any], schema: type[S], *, null_clears: bool) -> S:
    """The arguments as ``schema``, checked as the REST API checks a body. Many clients
    send ``null`` for an argument they leave out: it is dropped unless ``null_clears``
    (an edit, where it clears a field as on the REST API)."""
    given = arguments if null_clears else {k: v for k, v in arguments.items() if v is not None}
    try:
        return msgspec.convert(given, schema)
    except msgspec.ValidationError as error:
        message = str(error)
        raise ValidationFailed([FieldError(field_of(message), message_of(message))]) from None


def structured(value: Any) -> CallToolResult:
    """A result both as JSON text (for models) and as structured content (for programs)."""
    data = msgspec.to_builtins(value)
    text = msgspec.json.encode(data).decode()
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def problem(scope: Any, error: DomainError) -> CallToolResult:
    """The REST API's answer to ``error`` (its problem body), as an error result."""
    body = domain_error(Request(scope), error).content
    text = body.decode() if isinstance(body, bytes) else str(body)
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def schema_tool(
    run: Callable[[Principal, S], Awaitable[CallToolResult]],
    *,
    name: str,
    title: str,
    arguments: type[S],
    output: Any,
    annotations: ToolAnnotations,
    null_clears: bool = False,
) -> Tool:
    """A tool that runs ``run`` for the authenticated caller with its checked arguments;
    its description is ``run``'s docstring."""

    async def call(ctx: Context[Any, Any], arguments: dict[str, Any]) -> CallToolResult:
        request = ctx.request_context.request
        scope = request.scope if request is not None else {}
        try:
            principal = scope.get("state", {}).get(PRINCIPAL)
            if principal is None:
                raise Unauthorized("Send your API key as 'Authorization: Bearer sk_…'.")
            return await run(principal, arguments_of(arguments, schema, null_clears=null_clears))
        except DomainError as error:
            return problem(scope, error)

    schema = arguments
    return Tool(
        fn=call,
        name=name,
        title=title,
        description=(run.__doc__ or "").strip(),
        parameters=root_schema(arguments),
        fn_metadata=SchemaArguments.of(arguments, output),
        is_async=True,
        context_kwarg="ctx",
        annotations=annotations,
    )
