"""Gateway event ids (Stripe's webhook de-duplication) are kept 30 days, then pruned by the
scheduler's hourly purge, in batches."""

from datetime import timedelta

import pytest
from dramatiq.brokers.stub import StubBroker

from paylinks.gateways import repository
from paylinks.gateways.model import EVENT_RETENTION
from paylinks.gateways.tables import GatewayEventTable
from paylinks_worker.scheduler import Scheduler
from tests.conftest import FrozenClock


async def receive(event_id: str, clock: FrozenClock) -> bool:
    """Claim the event and process it; False for a duplicate."""
    now = clock()
    if not await repository.claim(event_id, "st_1", "refund.updated", now, now):
        return False
    await repository.mark_processed(event_id, now)
    return True


async def kept() -> set[str]:
    return {row["id"] for row in await GatewayEventTable.select(GatewayEventTable.id)}


@pytest.mark.usefixtures("api")
class TestPrune:
    async def test_keeps_events_within_stripes_retries_and_well_beyond(self) -> None:
        assert timedelta(days=3) * 5 < EVENT_RETENTION

    async def test_the_purge_forgets_only_old_events(
        self, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for i in range(5):
            assert await receive(f"evt_old_{i}", clock)
        clock.advance(days=20)
        assert await receive("evt_recent", clock)
        clock.advance(days=10, seconds=1)
        monkeypatch.setattr("paylinks_worker.scheduler.utc_now", clock)
        await Scheduler(StubBroker())._purge()
        assert await kept() == {"evt_recent"}
        # A late duplicate of a recent event is still turned away.
        assert not await receive("evt_recent", clock)

    async def test_in_batches(self, clock: FrozenClock) -> None:
        for i in range(7):
            assert await receive(f"evt_{i}", clock)
        clock.advance(seconds=1)
        assert await receive("evt_now", clock)
        assert await repository.prune(clock(), batch=3) == 7
        assert await kept() == {"evt_now"}
        assert await repository.prune(clock(), batch=3) == 0
