"""Retention rules: cut-offs by setting, and bounds that keep anything still being
delivered."""

from datetime import UTC, datetime, timedelta

from paylinks.retention.model import MAX_DAYS, MIN_DAYS, Retention, days_problem
from paylinks.webhooks.model import RETRY_SCHEDULE


def test_cutoffs_follow_each_setting() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    retention = Retention(event_days=30, message_days=90)
    assert retention.events_before(now) == now - timedelta(days=30)
    assert retention.messages_before(now) == now - timedelta(days=90)
    assert Retention().events_before(now) == now - timedelta(days=90)


def test_the_shortest_retention_outlives_every_webhook_retry() -> None:
    assert sum(RETRY_SCHEDULE, timedelta()) < timedelta(days=MIN_DAYS)


def test_bounds() -> None:
    assert days_problem(MIN_DAYS) is None
    assert days_problem(MAX_DAYS) is None
    assert days_problem(MIN_DAYS - 1) == f"must be {MIN_DAYS} to {MAX_DAYS} days"
    assert days_problem(MAX_DAYS + 1) is not None
