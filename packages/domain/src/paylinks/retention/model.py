"""How long operational records are kept (pure).

Events, with their webhook deliveries and every attempt logged, and message records (sends
and receipts) are purged once older than their retention; payments, refunds and links are
the merchant's records and are never purged.
"""

from datetime import datetime, timedelta

import msgspec

DEFAULT_DAYS = 90
#: Well past a webhook's last retry (about 28 hours after its event) and a message's, so
#: that nothing still being delivered is purged.
MIN_DAYS = 7
MAX_DAYS = 3650
#: Rows per purge statement (events: per transaction, with their deliveries and attempts):
#: each batch holds its locks for milliseconds, never the table.
BATCH = 500


class Retention(msgspec.Struct, frozen=True, kw_only=True):
    event_days: int = DEFAULT_DAYS
    message_days: int = DEFAULT_DAYS

    def events_before(self, now: datetime) -> datetime:
        """Events created before this time are purged, with their deliveries and attempts."""
        return now - timedelta(days=self.event_days)

    def messages_before(self, now: datetime) -> datetime:
        return now - timedelta(days=self.message_days)


def days_problem(days: int) -> str | None:
    """Why ``days`` cannot be a retention, or None when it can."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        return f"must be {MIN_DAYS} to {MAX_DAYS} days"
    return None
