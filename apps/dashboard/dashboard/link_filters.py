"""The links list's filters as the page's address says them (pure): ``?status=active&
type=one_off&venue=venue_…&q=beans``, so a filtered list can be bookmarked, shared, reloaded
and come back to with the browser's Back. Values the list does not offer read as "all"."""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard.link_rows import ALL, STATUS_CHOICES, TYPE_CHOICES, choice

#: The longest search the API accepts.
QUERY_MAX = 120


@dataclass(frozen=True)
class LinkFilters:
    status: str = ALL
    type: str = ALL
    venue: str = ALL
    query: str = ""


def of_query(params: Mapping[str, str]) -> LinkFilters:
    """The filters an address asks for; the venue is checked against the store's later."""
    return LinkFilters(
        status=choice(params.get("status", ALL), STATUS_CHOICES),
        type=choice(params.get("type", ALL), TYPE_CHOICES),
        venue=params.get("venue", ALL).strip() or ALL,
        query=params.get("q", "")[:QUERY_MAX],
    )


def query_string(filters: LinkFilters) -> str:
    """``?status=…&q=…`` with only what narrows the list ("" when nothing does)."""
    pairs = [
        (name, value)
        for name, value in (
            ("status", filters.status),
            ("type", filters.type),
            ("venue", filters.venue),
        )
        if value != ALL
    ]
    if filters.query.strip():
        pairs.append(("q", filters.query.strip()))
    return "?" + urlencode(pairs) if pairs else ""
