"""Parameters shared by the endpoints: list windows (SPEC §7) and object ids in paths."""

import re
from datetime import datetime
from typing import Annotated

from litestar.di import Provide
from litestar.params import PathParameter, QueryParameter

from paylinks.errors import FieldError, ValidationFailed
from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT, Created, Window

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size, 1–{MAX_LIMIT}")]


#: An RFC 3339 time, with its offset: what a ``created[…]`` bound must be (the framework's
#: own conversion would also take a Unix time, a date alone, or ``null``).
_RFC_3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)
_RFC_3339_MESSAGE = "Give an RFC 3339 time with its offset, e.g. 2026-12-06T10:00:00Z."


def _created(bound: str, meaning: str) -> object:
    return QueryParameter(
        name=f"created[{bound}]",
        description=f"Only objects created {meaning} this time (RFC 3339, with an offset)",
        schema_extra={"format": "date-time"},
    )


CreatedGt = Annotated[str | None, _created("gt", "after")]
CreatedGte = Annotated[str | None, _created("gte", "at or after")]
CreatedLt = Annotated[str | None, _created("lt", "before")]
CreatedLte = Annotated[str | None, _created("lte", "at or before")]


def _time(text: str) -> datetime | None:
    if not _RFC_3339.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:  # a 31st of February, an hour 25
        return None


def created_bounds(gt: str | None, gte: str | None, lt: str | None, lte: str | None) -> Created:
    """The ``created[…]`` bounds given, each an RFC 3339 time with its offset (a 422
    naming those that are not)."""
    given = {"gt": gt, "gte": gte, "lt": lt, "lte": lte}
    times = {bound: _time(text) if text is not None else None for bound, text in given.items()}
    wrong = [bound for bound, text in given.items() if text is not None and times[bound] is None]
    if wrong:
        errors = [FieldError(f"created[{bound}]", _RFC_3339_MESSAGE) for bound in wrong]
        raise ValidationFailed(errors)
    return Created(**times)


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
