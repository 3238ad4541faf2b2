"""How the dashboard shows what the API answers: money, dates and statuses (pure)."""

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from paylinks.money import MoneyError, format_amount, parse_amount

__all__ = ["MoneyError", "badge_color", "money", "parse_major", "when", "zone_named"]

#: Longer than any IANA zone name: anything longer is not one.
ZONE_NAME_MAX = 64

#: Radix colour of each status's badge (links, payments, refunds, messages, deliveries).
BADGE_COLORS = {
    "active": "green",
    "succeeded": "green",
    "sent": "green",
    "enabled": "green",
    "completed": "blue",
    "fully_refunded": "blue",
    "max_payments_reached": "blue",
    "partially_refunded": "cyan",
    "pending": "amber",
    "processing": "amber",
    "queued": "amber",
    "retrying": "amber",
    "expired": "gray",
    "inactive": "gray",
    "deactivated": "gray",
    "canceled": "gray",
    "disabled": "gray",
    "revoked": "gray",
    "failed": "red",
    "failing": "red",
}


def badge_color(status: str) -> str:
    return BADGE_COLORS.get(status, "gray")


def money(amount: int | None, currency: str, locale: str = "en_GB") -> str:
    """``1450, "GBP"`` → ``£14.50``; nothing for no amount."""
    return "" if amount is None else format_amount(amount, currency, locale)


def parse_major(text: str, currency: str) -> int:
    """What a merchant typed in major units (``14.50``, ``£1,000``) as minor units, exactly;
    MoneyError says why not."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    cleaned = cleaned.lstrip("£$€¥").strip()
    return parse_amount(cleaned, currency)


def zone_named(name: str) -> tzinfo:
    """The IANA time zone the merchant's browser reports (``Europe/London``); UTC for none
    or for a name that is not a zone here (the value comes from the browser)."""
    if not name or len(name) > ZONE_NAME_MAX:
        return UTC
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # not a zone's name, or no such zone here
        return UTC


def moment_of(timestamp: str | None) -> datetime | None:
    """An API timestamp (RFC 3339) as an aware datetime; None for none or a bad one."""
    try:
        moment = datetime.fromisoformat(str(timestamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_time(moment: datetime, zone: tzinfo, seconds: bool = False) -> str:
    """``26 Nov 2026, 14:05 GMT`` in ``zone``, named by its abbreviation."""
    local = moment.astimezone(zone)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{local.strftime(f'%-d %b %Y, {clock}')} {local.tzname() or 'UTC'}"


def when(timestamp: str | None, zone: tzinfo = UTC) -> str:
    """An API timestamp (RFC 3339, UTC) in ``zone``: ``26 Nov 2026, 14:05 GMT``; a value
    that is not a timestamp is shown as it came."""
    if not timestamp:
        return ""
    moment = moment_of(timestamp)
    return timestamp if moment is None else local_time(moment, zone)
