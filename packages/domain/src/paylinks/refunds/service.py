"""Use cases of refunds: ask for one (its amount set aside at once), settle it when the
gateway answers, read them. Gateway calls happen in worker jobs, never in the request."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from paylinks.db.engine import transaction
from paylinks.errors import Conflict, NotFound
from paylinks.events import service as events
from paylinks.events.model import NewEvent, refund_created, refund_failed, refund_succeeded
from paylinks.gateways.model import GatewayError, RefundOutcome, RefundState
from paylinks.gateways.registry import Gateways
from paylinks.ids import Prefix, new_id
from paylinks.links import repository as links
from paylinks.links.model import LinkView, PublicUrls, to_view
from paylinks.messages import service as messages
from paylinks.messages.model import MessageKind
from paylinks.pagination import Page, Window, page_of
from paylinks.payments import repository as payments
from paylinks.payments.model import REFUNDABLE, Payment, PaymentView, to_payment_view
from paylinks.refunds import repository
from paylinks.refunds.model import (
    ATTEMPT_TIMEOUT,
    LEASE,
    QUEUED_FOR,
    Refund,
    RefundStatus,
    clean_reason,
    refund_amount,
    retry_delay,
)
from paylinks.stores.model import Principal
from paylinks.stores.service import require_payments

log = logging.getLogger(__name__)


async def _record(
    event: Callable[[LinkView, PaymentView, Refund], NewEvent],
    refund: Refund,
    urls: PublicUrls,
    now: datetime,
) -> None:
    """Record a refund's event, with its payment and link as the change left them."""
    payment = await payments.get(refund.payment_id)
    assert payment is not None
    link = await links.get(payment.store_id, payment.payment_link_id)
    assert link is not None
    new = event(to_view(link, urls, now), to_payment_view(payment), refund)
    await events.record(refund.store_id, new, now)


async def create_refund(
    principal: Principal,
    payment_id: str,
    amount: int | None,
    reason: str | None,
    urls: PublicUrls,
    now: datetime,
) -> Refund:
    require_payments(principal)
    clean = clean_reason(reason)
    async with transaction():
        payment = await payments.get(payment_id, principal.store_id)
        if payment is None:
            raise NotFound("No such payment.")
        if payment.status not in REFUNDABLE:
            raise Conflict(
                f"A {payment.status.value} payment cannot be refunded.",
                code="payment_not_refundable",
            )
        value = refund_amount(amount, payment.refundable)
        if not await payments.hold_refund(payment.id, value):
            # Another refund took the amount since we read it.
            raise Conflict(
                "Less is left to refund now: reload and try again.",
                code="refund_exceeds_refundable",
            )
        refund = Refund(
            id=new_id(Prefix.REFUND),
            store_id=payment.store_id,
            payment_id=payment.id,
            payment_link_id=payment.payment_link_id,
            amount=value,
            currency=payment.currency,
            reason=clean,
            status=RefundStatus.PENDING,
            reference=None,
            failure_reason=None,
            created_at=now,
            settled_at=None,
        )
        # The outbox relay enqueues its job: the sweep leaves it alone meanwhile.
        await repository.insert(refund, now + QUEUED_FOR)
        await _record(refund_created, refund, urls, now)
    return refund


async def process_refund(
    refund_id: str, gateways: Gateways, urls: PublicUrls, now: datetime
) -> RefundStatus:
    """The worker's job: submit the refund to the gateway if not yet done, then settle it
    when the gateway has an outcome. Safe to run any number of times; one job at a time
    works on a refund (another finds it held and leaves it: pending). A refund still
    pending afterwards is scheduled for the sweep, later after each attempt."""
    refund = await repository.get(refund_id)
    if refund is None or refund.status is not RefundStatus.PENDING:
        return refund.status if refund else RefundStatus.FAILED
    attempt = await repository.take(refund.id, now, LEASE)
    if attempt is None:
        fresh = await repository.get(refund.id)
        return fresh.status if fresh else RefundStatus.FAILED
    try:
        return await _attempt(refund, gateways, urls, now)
    finally:
        # Settled: a no-op. Else whatever happened (an outage, a crash), the next attempt
        # waits its turn.
        await repository.let_go(refund.id, attempt, now + retry_delay(attempt))


async def _attempt(
    refund: Refund, gateways: Gateways, urls: PublicUrls, now: datetime
) -> RefundStatus:
    payment = await payments.get(refund.payment_id)
    assert payment is not None
    try:
        # Done before the job's hold runs out, so that no other job takes the refund
        # meanwhile.
        async with asyncio.timeout(ATTEMPT_TIMEOUT.total_seconds()):
            state = await _gateway_state(refund, payment, gateways)
    except TimeoutError:
        return RefundStatus.PENDING
    if state is None or state.outcome is RefundOutcome.PENDING:
        return RefundStatus.PENDING
    return await settle_refund(refund, payment, state, urls, now)


async def _gateway_state(
    refund: Refund, payment: Payment, gateways: Gateways
) -> RefundState | None:
    """Submit the refund if not yet done, and what the gateway says of it; None if the
    gateway could not be asked."""
    gateway = await gateways.named(payment.gateway, refund.store_id)
    reference = refund.reference
    try:
        if reference is None:
            state = await gateway.refund(payment, refund.id, refund.amount)
            reference = state.reference
            await repository.set_reference(refund.id, reference)
            if state.outcome is RefundOutcome.PENDING:
                state = await gateway.refund_state(payment, reference)
        else:
            state = await gateway.refund_state(payment, reference)
    except GatewayError as error:
        if error.transient or reference is not None:
            # The refund may exist at the gateway already (on an outage), or does (it was
            # submitted): only the gateway's own outcome settles it, never our failure to
            # ask, which would free an amount the gateway refunds all the same. The
            # pending-refund sweep asks again later; Stripe's webhook may settle it first.
            if not error.transient:
                log.warning("Refund %s stays pending: %s", refund.id, error)
            return None
        return RefundState(reference="", outcome=RefundOutcome.FAILED, failure_reason=str(error))
    return state


async def claim_due(now: datetime, limit: int = 100) -> list[str]:
    """Pending refunds due for another job, held for the job about to be enqueued."""
    return await repository.claim_due(now, QUEUED_FOR, limit)


async def settle_refund(
    refund: Refund, payment: Payment, state: RefundState, urls: PublicUrls, now: datetime
) -> RefundStatus:
    """Apply the gateway's outcome once: the refunded total moves only on success, and a
    failed refund frees its amount again."""
    succeeded = state.outcome is RefundOutcome.SUCCEEDED
    status = RefundStatus.SUCCEEDED if succeeded else RefundStatus.FAILED
    async with transaction():
        if not await repository.settle(refund.id, status, state.failure_reason, now):
            fresh = await repository.get(refund.id)
            return fresh.status if fresh else status
        await payments.settle_refund(payment, refund.amount, succeeded)
        settled = await repository.get(refund.id)
        assert settled is not None
        await _record(refund_succeeded if succeeded else refund_failed, settled, urls, now)
        if succeeded:
            await messages.queue_customer_message(
                payment, MessageKind.REFUND_NOTICE, now, refund_id=refund.id
            )
    return status


async def get_refund(principal: Principal, refund_id: str) -> Refund:
    require_payments(principal)
    refund = await repository.get(refund_id, principal.store_id)
    if refund is None:
        raise NotFound("No such refund.")
    return refund


async def list_refunds(principal: Principal, payment_id: str, window: Window) -> Page[Refund]:
    require_payments(principal)
    if await payments.get(payment_id, principal.store_id) is None:
        raise NotFound("No such payment.")
    return page_of(await repository.list_for_payment(payment_id, window), window)
