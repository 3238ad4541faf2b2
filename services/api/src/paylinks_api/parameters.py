"""The parameters an operation reads from the query, by their names in Python and on the
wire (``type`` for ``link_type``, ``created[gte]`` for ``created_gte``), its dependencies'
included: what the strict-input check accepts and what errors name."""

from typing import Any

from litestar.handlers import HTTPRouteHandler

#: Per handler (held, so that its id is never another's): Python name → wire name.
_aliases: dict[int, tuple[HTTPRouteHandler, dict[str, str]]] = {}


def query_aliases(handler: HTTPRouteHandler, path_params: dict[str, Any]) -> dict[str, str]:
    """Python name → wire name of each query parameter ``handler`` reads."""
    cached = _aliases.get(id(handler))
    if cached is not None and cached[0] is handler:
        return cached[1]
    model = handler.create_kwargs_model({name: None for name in path_params})  # type: ignore[misc]
    aliases = {p.field_name: p.field_alias for p in model.expected_query_params}
    _aliases[id(handler)] = (handler, aliases)
    return aliases
