"""Request and response schemas of the API (msgspec Structs)."""

from typing import Any

import msgspec

from paylinks.ids import ID_PATTERN


def documented(description: str | None = None, **json_schema: Any) -> msgspec.Meta:
    """A field's description and the limits its OpenAPI schema shows (``maxLength=120``),
    without msgspec enforcing them at decoding: the domain's rules check them, all at once
    and in its own words, and these name the same constants."""
    return msgspec.Meta(description=description, extra_json_schema={"extra": json_schema})


__all__ = ["ID_PATTERN", "NOT_BLANK", "NO_NUL", "documented"]

#: No string the API takes may hold NUL (``strict_input``); the document says so of each.
NO_NUL = "^[^\\u0000]*$"
#: Text with at least one character that is not white space (names, titles), and no NUL.
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
