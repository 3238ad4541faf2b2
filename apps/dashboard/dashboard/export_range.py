"""The store-wide CSV export's date range, read from the form into the API's query (pure):
whole days in the merchant's time zone, both ends included."""

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from dashboard import routes


def _day(form: dict[str, Any], name: str, errors: dict[str, str]) -> date | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None


def _midnight(day: date, zone: tzinfo) -> str:
    """The start of ``day`` in ``zone``, as the API's RFC 3339 (UTC)."""
    moment = datetime.combine(day, time(), zone).astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def export_query(form: dict[str, Any], zone: tzinfo = UTC) -> tuple[dict[str, str], dict[str, str]]:
    """The ``created[gte]`` / ``created[lt]`` to ask for (a blank end is open), and a
    message per bad field."""
    errors: dict[str, str] = {}
    first, last = _day(form, "from", errors), _day(form, "to", errors)
    if first and last and last < first:
        errors["to"] = "Choose a day on or after the first one."
    if errors:
        return {}, errors
    query: dict[str, str] = {}
    if first:
        query["created[gte]"] = _midnight(first, zone)
    if last:
        query["created[lt]"] = _midnight(last + timedelta(days=1), zone)
    return query, {}


def download_url(query: dict[str, str]) -> str:
    """The dashboard's own download address for ``query`` (same origin: the session
    cookie goes with it)."""
    return routes.PAYMENTS_CSV + ("?" + urlencode(query) if query else "")


def download_name(form: dict[str, Any]) -> str:
    days = [str(form.get(name) or "").strip() for name in ("from", "to")]
    return "payments" + "".join(f"-{day}" for day in days if day) + ".csv"
