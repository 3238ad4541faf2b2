"""Parameters shared by the endpoints: list paging and object ids in paths."""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Page size, 1–100")]
StartingAfter = Annotated[
    str | None,
    QueryParameter(description="The id of the last object of the previous page", max_length=64),
]


def object_id(description: str) -> object:
    """A path parameter naming one object by its id."""
    return PathParameter(description=description, max_length=64)


__all__ = ["DEFAULT_LIMIT", "Limit", "StartingAfter", "object_id"]
