"""Query parameters shared by every list endpoint."""

from typing import Annotated

from litestar.params import Parameter

from paylinks.pagination import DEFAULT_LIMIT, MAX_LIMIT

Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description="Page size, 1–100",
                                 default=DEFAULT_LIMIT)]
StartingAfter = Annotated[str | None, Parameter(
    description="The id of the last object of the previous page", max_length=64)]
