"""Refunds' status-guarded updates follow the lifecycle: each may find a refund only in the
statuses from which ``TRANSITIONS`` lets it move where the update takes it."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from paylinks.refunds import repository
from paylinks.refunds.model import TRANSITIONS, RefundStatus
from paylinks.refunds.tables import RefundTable
from tests.factories import check_status_guards

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
REFUND_ID = "re_019dbc4d828174419d9ff9fae24aea7e"

#: Each guarded update, run on a refund that is not there.
RUN: dict[str, Callable[[], Awaitable[object]]] = {
    "settle": lambda: repository.settle(REFUND_ID, RefundStatus.FAILED, "Declined.", NOW),
    "claim_due": lambda: repository.claim_due(NOW, timedelta(seconds=20), 10),
    "take": lambda: repository.take(REFUND_ID, NOW, timedelta(seconds=20)),
    "let_go": lambda: repository.let_go(REFUND_ID, 1, NOW),
}


class TestStatusGuards:
    async def test_each_update_allows_what_the_lifecycle_moves_where_it_goes(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await check_status_guards(monkeypatch, RefundTable, repository.GUARDS, TRANSITIONS, RUN)
