"""The relay's pure part: which jobs an event sets off."""

from datetime import UTC, datetime

from paylinks.events.model import Event, EventType
from paylinks_worker.actors import DELIVER_WEBHOOK, PROCESS_REFUND
from paylinks_worker.relay import jobs_for


def event(event_type: EventType, data: dict[str, object] | None = None) -> Event:
    return Event(
        id="evt_1",
        type=event_type,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        store_id="st_1",
        data=data or {},
    )


class TestJobsFor:
    def test_one_delivery_job_per_delivery(self) -> None:
        jobs = jobs_for(event(EventType.LINK_PAID), ["whd_1", "whd_2"])
        assert jobs == [(DELIVER_WEBHOOK, ("whd_1",)), (DELIVER_WEBHOOK, ("whd_2",))]

    def test_a_new_refund_is_also_submitted(self) -> None:
        created = event(EventType.REFUND_CREATED, {"refund": {"id": "re_1"}})
        assert jobs_for(created, []) == [(PROCESS_REFUND, ("re_1",))]

    def test_an_event_nobody_wants_sets_off_nothing(self) -> None:
        assert jobs_for(event(EventType.LINK_CREATED), []) == []
