"""Request and response schemas of the API (msgspec Structs)."""

from paylinks.documented import documented
from paylinks.ids import ID_PATTERN

__all__ = ["ID_PATTERN", "NO_NUL", "documented", "one_line"]

#: No string the API takes may hold NUL (``strict_input``); the document says so of each.
NO_NUL = "^[^\\u0000]*$"
#: White space as Python's str.strip() removes it, control characters among it.
_SPACE = (
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
#: Control characters (Unicode Cc) and line or paragraph separators.
_CONTROL = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029"


def one_line(max_length: int) -> str:
    """The pattern of one line of text of 1 to ``max_length`` characters once trimmed (a
    name, a title): white space around it is trimmed, none of it is a control character."""
    inner = f"[^{_CONTROL}]"
    edge = f"[^{_CONTROL}{_SPACE}]"
    return f"^[{_SPACE}]*{edge}(?:{inner}{{0,{max_length - 2}}}{edge})?[{_SPACE}]*$"
