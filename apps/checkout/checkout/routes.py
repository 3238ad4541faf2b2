"""The checkout's routes."""

import re

HOME = "/"
PAY = "/pay/[plink_id]"
#: Reflex's name for the page of any unknown address.
MISSING = "404"

_LINK_ID = re.compile(r"plink_[0-9a-f]{32}")


def link_id_from_path(path: str) -> str | None:
    """The payment link id of a ``/pay/{id}`` path, or None when it cannot be one (so
    nothing but a well-formed id ever reaches the API's URL)."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    if len(parts) == 2 and parts[0] == "pay" and _LINK_ID.fullmatch(parts[1]):
        return parts[1]
    return None
