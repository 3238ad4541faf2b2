"""The outbox relay: committed event rows become webhook deliveries and jobs, at least once.

Rows are leased; each event's deliveries are written (one per endpoint that wants it, made
once however often an event is taken), their jobs and the event's other jobs enqueued by
actor name, then the rows are marked relayed. If the broker is down, enqueueing fails,
nothing more is marked and the rows wait for a later pass; deliveries already written are
sent by the due-deliveries scan once their lease runs out.
"""

from datetime import timedelta

from dramatiq import Broker

from paylinks.clock import utc_now
from paylinks.events import repository
from paylinks.events.model import EventType, Unrelayed
from paylinks.webhooks import service as webhooks
from paylinks_worker.actors import DELIVER_WEBHOOK, PROCESS_REFUND, enqueue

LEASE = timedelta(seconds=30)
BATCH = 100


def jobs_for(claimed: Unrelayed, delivery_ids: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The (actor name, arguments) that an event sets off: its webhook deliveries, and for a
    new refund, its submission to the gateway."""
    jobs: list[tuple[str, tuple[str, ...]]] = [
        (DELIVER_WEBHOOK, (delivery_id,)) for delivery_id in delivery_ids
    ]
    # Events from before migration 0014 name no refund: the refund sweep submits those.
    if claimed.event.type is EventType.REFUND_CREATED and claimed.refund_id is not None:
        jobs.append((PROCESS_REFUND, (claimed.refund_id,)))
    return jobs


async def relay_once(broker: Broker) -> int:
    """One pass: returns how many events were relayed."""
    claimed = await repository.claim_unrelayed(utc_now(), LEASE, BATCH)
    if not claimed:
        return 0
    deliveries = await webhooks.fan_out([row.event for row in claimed], utc_now())
    relayed: list[str] = []
    try:
        for row in claimed:
            for actor_name, args in jobs_for(row, deliveries.get(row.event.id, [])):
                enqueue(broker, actor_name, *args)
            relayed.append(row.event.id)
    finally:
        # What was enqueued is marked even if a later enqueue failed; the rest keeps its
        # lease and is taken again once the lease runs out.
        await repository.mark_relayed(relayed, utc_now())
    return len(relayed)
