"""The error responses every operation documents: problem details (RFC 9457)."""

from litestar.openapi.datastructures import ResponseSpec

from paylinks_api.problems import Problem

_MEDIA = "application/problem+json"


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, description=description, media_type=_MEDIA, generate_examples=False
    )


ERRORS: dict[int, ResponseSpec] = {
    400: _problem("Malformed request (for example, a body that is not JSON)"),
    401: _problem("Missing, wrong or revoked API key or session"),
    404: _problem("No such object in this store"),
    409: _problem("Conflict with the object's state, or payments not activated"),
    413: _problem("Body too large"),
    422: _problem("Invalid fields, listed in `errors`"),
    429: _problem("Rate limited: see `Retry-After`"),
    503: _problem("Database unavailable (`database_unavailable`): see `Retry-After`"),
}


#: The security requirement of every operation that needs a key or a session.
BEARER: list[dict[str, list[str]]] = [{"BearerAuth": []}]
