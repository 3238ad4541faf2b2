"""The relay's pure part: which jobs an event sets off."""

from datetime import UTC, datetime

import msgspec

from paylinks.events.model import Event, EventType, Unrelayed
from paylinks_worker.actors import DELIVER_WEBHOOK, PROCESS_REFUND
from paylinks_worker.relay import jobs_for


def claimed(event_type: EventType, refund_id: str | None = None) -> Unrelayed:
    event = Event(
        id="evt_1",
        type=event_type,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        store_id="st_1",
        data=msgspec.Raw(b"{}"),
    )
    return Unrelayed(event=event, refund_id=refund_id)


class TestJobsFor:
    def test_one_delivery_job_per_delivery(self) -> None:
        jobs = jobs_for(claimed(EventType.LINK_PAID), ["whd_1", "whd_2"])
        assert jobs == [(DELIVER_WEBHOOK, ("whd_1",)), (DELIVER_WEBHOOK, ("whd_2",))]

    def test_a_new_refund_is_also_submitted(self) -> None:
        created = claimed(EventType.REFUND_CREATED, "re_1")
        assert jobs_for(created, []) == [(PROCESS_REFUND, ("re_1",))]

    def test_a_settled_refund_is_not_submitted_again(self) -> None:
        assert jobs_for(claimed(EventType.REFUND_SUCCEEDED, "re_1"), []) == []

    def test_an_event_from_before_the_refund_column_leaves_it_to_the_sweep(self) -> None:
        assert jobs_for(claimed(EventType.REFUND_CREATED), []) == []

    def test_an_event_nobody_wants_sets_off_nothing(self) -> None:
        assert jobs_for(claimed(EventType.LINK_CREATED), []) == []
