"""Timed-out holds: the sweeper that cancels them and frees their slots, and the job that
gives back at the gateway what a payment that was not honoured still holds there."""

import logging
from datetime import datetime, timedelta

from paylinks.backoff import doubling
from paylinks.db.engine import transaction
from paylinks.gateways.model import GatewayError
from paylinks.gateways.registry import Gateways
from paylinks.payments import repository
from paylinks.payments.model import NOT_HONOURED

log = logging.getLogger(__name__)


async def release_expired_holds(now: datetime) -> int:
    """The sweeper: cancel every timed-out pending payment and free its slot."""
    async with transaction():
        freed = await repository.cancel_expired_holds(now)
    return sum(freed.values())


#: How long a claimed cancellation is left to its job before the sweep takes it again.
VOID_LEASE = timedelta(minutes=2)
VOID_RETRY_FIRST = timedelta(seconds=30)
VOID_RETRY_MAX = timedelta(hours=1)
#: Stripe lets an uncaptured authorisation lapse after 7 days anyway: stop well after.
VOID_MAX_ATTEMPTS = 200


async def claim_voids(now: datetime, limit: int = 100) -> list[str]:
    """Timed-out payments whose authorisation at the gateway is due to be cancelled."""
    return await repository.claim_voids(now, VOID_LEASE, limit)


async def void_at_gateway(payment_id: str, gateways: Gateways, now: datetime) -> bool:
    """The job: give back what a payment that was not honoured holds at the gateway. True
    once nothing is left to do (released, refunded, or refused for good); on an outage,
    retried later (doubling)."""
    payment = await repository.get(payment_id)
    if payment is None or payment.status not in NOT_HONOURED:
        return True
    gateway = await gateways.named(payment.gateway, payment.store_id)
    try:
        await gateway.cancel(payment)
    except GatewayError as error:
        attempts = await repository.void_attempts(payment_id)
        if error.transient and attempts < VOID_MAX_ATTEMPTS:
            delay = doubling(attempts, VOID_RETRY_FIRST, VOID_RETRY_MAX)
            await repository.schedule_void(payment_id, now + delay)
            return False
        # Stripe refused for good (the PaymentIntent is gone, or the key was revoked).
        log.warning("Not cancelling %s at the gateway: %s", payment_id, error)
    await repository.schedule_void(payment_id, None)
    return True
