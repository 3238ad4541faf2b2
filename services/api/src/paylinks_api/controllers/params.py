"""Parameters shared by the endpoints: list windows (SPEC §7) and object ids in paths."""

from datetime import datetime
from typing import Annotated

from litestar.di import Provide
from litestar.params import PathParameter, QueryParameter

from paylinks.errors import FieldError, ValidationFailed
from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT, Created, Window

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size, 1–{MAX_LIMIT}")]


def _created(bound: str, meaning: str) -> object:
    return QueryParameter(
        name=f"created[{bound}]",
        description=f"Only objects created {meaning} this time (RFC 3339, with an offset)",
    )


CreatedGt = Annotated[datetime | None, _created("gt", "after")]
CreatedGte = Annotated[datetime | None, _created("gte", "at or after")]
CreatedLt = Annotated[datetime | None, _created("lt", "before")]
CreatedLte = Annotated[datetime | None, _created("lte", "at or before")]


def created_bounds(
    gt: datetime | None, gte: datetime | None, lt: datetime | None, lte: datetime | None
) -> Created:
    """The ``created[…]`` bounds given, each with its offset (a 422 naming those without)."""
    bounds = {"gt": gt, "gte": gte, "lt": lt, "lte": lte}
    naive = [bound for bound, time in bounds.items() if time is not None and time.tzinfo is None]
    if naive:
        message = "Give the time with its offset (Z or +hh:mm)."
        raise ValidationFailed([FieldError(f"created[{bound}]", message) for bound in naive])
    return Created(**bounds)


async def created_range(
    created_gt: CreatedGt = None,
    created_gte: CreatedGte = None,
    created_lt: CreatedLt = None,
    created_lte: CreatedLte = None,
) -> Created:
    """The ``created[…]`` bounds alone, for what takes a range but no page (the CSV
    export)."""
    return created_bounds(created_gt, created_gte, created_lt, created_lte)


async def list_window(
    limit: Limit = DEFAULT_LIMIT,
    starting_after: Annotated[
        str | None,
        QueryParameter(
            max_length=64,
            description="The id of the last object of the previous page: the next page "
            "holds older objects. An id of this list, or a 400.",
        ),
    ] = None,
    ending_before: Annotated[
        str | None,
        QueryParameter(
            max_length=64,
            description="The id of the first object of the next page: the previous page "
            "holds newer objects. An id of this list, or a 400.",
        ),
    ] = None,
    created_gt: CreatedGt = None,
    created_gte: CreatedGte = None,
    created_lt: CreatedLt = None,
    created_lte: CreatedLte = None,
) -> Window:
    """The window of a list request, from the query parameters every list takes."""
    created = created_bounds(created_gt, created_gte, created_lt, created_lte)
    return Window(limit, starting_after, ending_before, created)


#: The ``window`` dependency: a list handler takes ``window: Window``.
WINDOW = Provide(list_window)
#: The ``created`` dependency: a handler that takes a range alone takes ``created: Created``.
CREATED = Provide(created_range)


def object_id(description: str) -> object:
    """A path parameter naming one object by its id."""
    return PathParameter(description=description, max_length=64)


__all__ = ["CREATED", "WINDOW", "object_id"]
