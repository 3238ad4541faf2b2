"""Payments' status-guarded updates follow the lifecycle: each may find a payment only in
the statuses from which ``TRANSITIONS`` lets it move where the update takes it."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from paylinks.payments import repository
from paylinks.payments.model import TRANSITIONS
from paylinks.payments.tables import PaymentTable
from tests.factories import check_status_guards, payment

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

#: Each guarded update, run on a payment that is not there.
RUN: dict[str, Callable[[], Awaitable[object]]] = {
    "cancel_expired_holds": lambda: repository.cancel_expired_holds(NOW),
    "claim_confirmation": lambda: repository.claim_confirmation(payment().id, NOW, NOW),
    "release_confirmation": lambda: repository.release_confirmation(payment().id),
    "mark_succeeded": lambda: repository.mark_succeeded(payment(), NOW, "4242"),
    "mark_failed": lambda: repository.mark_failed(payment(), "Declined.", None, release_at=NOW),
    "hold_refund": lambda: repository.hold_refund(payment().id, 100),
}


class TestStatusGuards:
    async def test_each_update_allows_what_the_lifecycle_moves_where_it_goes(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await check_status_guards(monkeypatch, PaymentTable, repository.GUARDS, TRANSITIONS, RUN)
