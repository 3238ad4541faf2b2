"""The outbox relay: committed event rows become jobs, at least once.

Rows are leased, their jobs enqueued by actor name, then marked relayed. If the broker is
down, enqueueing fails, nothing more is marked and the rows wait for a later pass.
"""

from datetime import timedelta

from dramatiq import Broker

from paylinks.clock import utc_now
from paylinks.events import repository
from paylinks.events.model import Event, EventType
from paylinks_worker.actors import FAN_OUT_EVENT, PROCESS_REFUND, enqueue

LEASE = timedelta(seconds=30)
BATCH = 100


def jobs_for(event: Event) -> list[tuple[str, tuple[str, ...]]]:
    """The (actor name, arguments) that an event sets off: its webhooks, and for a new
    refund, its submission to the gateway."""
    jobs: list[tuple[str, tuple[str, ...]]] = [(FAN_OUT_EVENT, (event.id,))]
    if event.type is EventType.REFUND_CREATED:
        jobs.append((PROCESS_REFUND, (str(event.data["refund"]["id"]),)))
    return jobs


async def relay_once(broker: Broker) -> int:
    """One pass: returns how many events were relayed."""
    events = await repository.claim_unrelayed(utc_now(), LEASE, BATCH)
    relayed: list[str] = []
    try:
        for event in events:
            for actor_name, args in jobs_for(event):
                enqueue(broker, actor_name, *args)
            relayed.append(event.id)
    finally:
        # What was enqueued is marked even if a later enqueue failed; the rest keeps its
        # lease and is taken again once the lease runs out.
        await repository.mark_relayed(relayed, utc_now())
    return len(relayed)
