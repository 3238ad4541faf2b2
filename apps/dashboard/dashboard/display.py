"""How the dashboard shows what the API answers: money, dates and statuses (pure)."""

from datetime import datetime

from paylinks.money import MoneyError, format_amount, parse_amount

__all__ = ["MoneyError", "badge_color", "money", "parse_major", "when"]

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


def when(timestamp: str | None) -> str:
    """An API timestamp (RFC 3339, UTC) as ``26 Nov 2026, 14:05 UTC``."""
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    return moment.strftime("%-d %b %Y, %H:%M UTC")
