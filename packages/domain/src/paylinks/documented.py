"""Limits a field's JSON Schema (and so the OpenAPI document) shows without msgspec
enforcing them at decoding: the domain's rules check them, every broken rule named at once
and in its own words, and name the same constants."""

from typing import Any

import msgspec


def documented(description: str | None = None, **json_schema: Any) -> msgspec.Meta:
    """``Annotated[str, documented("Shown to the customer", maxLength=TITLE_MAX)]``."""
    return msgspec.Meta(description=description, extra_json_schema={"extra": json_schema})
