"""Use cases of payments: start (reserve a slot), confirm (authorise, then capture only while
the hold is valid), read and list. Timed-out holds are swept in ``voids``, exports written
in ``export``."""

import logging
import time
from datetime import datetime, timedelta
from typing import NamedTuple, NoReturn

import msgspec

from paylinks.db.engine import transaction
from paylinks.errors import Conflict, DomainError, NotFound
from paylinks.events import service as events
from paylinks.events.model import link_paid
from paylinks.gateways.model import Authorization, GatewayError, PaymentGateway
from paylinks.gateways.registry import Gateways
from paylinks.ids import Prefix, new_id
from paylinks.links import repository as links
from paylinks.links.model import (
    InactiveReason,
    LinkStatus,
    Merchant,
    PaymentLink,
    PublicUrls,
    to_view,
)
from paylinks.messages import service as messages
from paylinks.messages.model import MessageKind
from paylinks.pagination import Page, Window, page_of
from paylinks.payments import repository
from paylinks.payments.model import (
    PAID,
    Card,
    Customer,
    Payment,
    PaymentStatus,
    checkout_amount,
    to_payment_view,
    validate_card,
    validate_client_reference,
    validate_customer,
)
from paylinks.stores.model import Principal
from paylinks.stores.service import require_payments

log = logging.getLogger(__name__)


class LinkUnavailable(DomainError):
    """Every slot of the link is held by customers paying right now."""

    code = "link_unavailable"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Someone else is paying for the last place: try again in {retry_after} s."
        )
        self.retry_after = retry_after


def link_closed(link: PaymentLink, now: datetime) -> Conflict | None:
    status = link.status(now)
    if status is LinkStatus.INACTIVE:
        return Conflict("This payment link is no longer active.", code="link_inactive")
    if status is LinkStatus.EXPIRED:
        return Conflict("This payment link has expired.", code="link_expired")
    return None


async def public_link(link_id: str) -> PaymentLink:
    """A link for the public checkout, by id alone."""
    link = await links.get_public(link_id)
    if link is None:
        raise NotFound("No such payment link.")
    return link


async def public_link_with_merchant(link_id: str) -> tuple[PaymentLink, Merchant]:
    """A link and its store's public face, for the checkout page."""
    found = await links.get_public_with_merchant(link_id)
    if found is None:
        raise NotFound("No such payment link.")
    return found


class Started(NamedTuple):
    payment: Payment
    #: What the gateway's form needs (Stripe's client secret).
    client_secret: str | None
    #: Whether the payment holds one of a limited number of places (a one-off or capped
    #: link): what a client's budget of starts is spent on.
    holds_a_place: bool


async def start_payment(
    link_id: str,
    amount: int | None,
    customer: Customer,
    gateways: Gateways,
    hold: timedelta,
    now: datetime,
    client_reference_id: str | None = None,
    locale: str | None = None,
) -> Started:
    """Validate the customer's input, reserve a slot of the link for ``hold`` (short: the
    confirmation lengthens it) and open the payment at the gateway.

    The slot is taken first, reading the link in the same statement; bad input then rolls
    it back. Only a link without a free slot is read again, to say why."""
    started = None
    reference_id = validate_client_reference(client_reference_id)
    async with transaction():
        reserved = await repository.reserve_slot(link_id, now)
        if reserved is None:
            reserved = await _reserve_after_all(link_id, amount, customer, now)
        link, gateway_name, country = reserved
        charge = checkout_amount(link, amount)
        clean_customer = validate_customer(link, customer, country)
        gateway = await gateways.named(gateway_name, link.store_id)
        payment = Payment(
            id=new_id(Prefix.PAYMENT),
            store_id=link.store_id,
            payment_link_id=link.id,
            amount=charge,
            currency=link.currency,
            status=PaymentStatus.PENDING,
            gateway=gateway.name.value,
            reference=None,
            customer=clean_customer,
            card_last4=None,
            failure_reason=None,
            hold_expires_at=now + hold,
            created_at=now,
            paid_at=None,
            amount_refunded=0,
            amount_refund_pending=0,
            client_reference_id=reference_id,
            locale=locale,
        )
        if gateway.offline:
            started = await gateway.start(payment)
            payment = msgspec.structs.replace(payment, reference=started.reference)
        await repository.insert(payment)
    limited = link.capacity is not None
    if started is not None:
        return Started(payment, started.client_secret, limited)
    try:
        started = await gateway.start(payment)
    except GatewayError as error:
        async with transaction():
            await repository.mark_failed(payment, str(error), None, release_at=None)
        raise Conflict(
            "The payment could not be started: try again.", code="gateway_unavailable"
        ) from None
    await repository.set_reference(payment.id, started.reference)
    payment = msgspec.structs.replace(payment, reference=started.reference)
    return Started(payment, started.client_secret, limited)


async def _reserve_after_all(
    link_id: str, amount: int | None, customer: Customer, now: datetime
) -> tuple[PaymentLink, str | None, str]:
    """When no slot was free: raise why (no such link, closed, bad input) or, once the
    link's timed-out holds are freed, take one of them; raise when every slot is held."""
    link, merchant = await public_link_with_merchant(link_id)
    if (closed := link_closed(link, now)) is not None:
        raise closed
    checkout_amount(link, amount)
    validate_customer(link, customer, merchant.country)
    await repository.cancel_expired_holds(now, link_id)
    reserved = await repository.reserve_slot(link_id, now)
    if reserved is not None:
        return reserved
    fresh = await public_link(link_id)
    if (closed := link_closed(fresh, now)) is not None:
        raise closed
    hold_end = await repository.earliest_hold_end(link_id)
    wait = (hold_end - now).total_seconds() if hold_end else 1
    raise LinkUnavailable(max(1, int(wait) + 1))


async def get_public_payment(payment_id: str) -> Payment:
    payment = await repository.get(payment_id)
    if payment is None:
        raise NotFound("No such payment.")
    return payment


async def confirm_payment(
    payment_id: str,
    card: Card | None,
    gateways: Gateways,
    urls: PublicUrls,
    now: datetime,
    hold: timedelta,
) -> tuple[Payment, PaymentLink | None]:
    """Authorise with the gateway, then capture only while the slot is still held: the
    start's short hold becomes ``hold`` (the full reservation) as the confirmation begins.

    Exactly one confirmation of a payment reaches the gateway; a decline frees the slot at
    once; an authorisation that comes back after the hold ran out is cancelled, never
    captured, so no customer is charged for a payment that cannot be honoured.
    Returns the payment, and its link as the success left it (None otherwise).
    """
    if card is not None:
        try:
            validate_card(card, now)
        except DomainError:
            await get_public_payment(payment_id)  # an unknown payment is 404 first
            raise
    async with transaction():
        payment = await repository.claim_confirmation(payment_id, now, now + hold)
        if payment is not None:
            gateway = await gateways.named(payment.gateway, payment.store_id)
            if gateway.offline:
                # Nothing leaves this process: the claim and what came of it commit
                # together. The claim checked the status and the hold at ``now`` and locked
                # the row, so the success that follows cannot find the hold run out.
                return await _authorize(payment, card, gateway, urls, now)
    if payment is None:
        await _refuse_confirmation(payment_id, gateways, now)
        raise Conflict("This payment is already being confirmed.", code="payment_processing")
    return await _authorize(payment, card, gateway, urls, now)


async def _authorize(
    payment: Payment, card: Card | None, gateway: PaymentGateway, urls: PublicUrls, now: datetime
) -> tuple[Payment, PaymentLink | None]:
    try:
        authorization, answered = await ask_gateway(gateway, payment, card, now)
    except GatewayError as error:
        if error.transient:
            # The customer may well have authorised: the payment stays pending for their
            # retry, the gateway's webhook or the hold's end to decide.
            await repository.release_confirmation(payment.id)
            return await get_public_payment(payment.id), None
        async with transaction():
            failed = await repository.mark_failed(
                payment, f"The gateway failed: {error}", None, release_at=now
            )
        return failed or await get_public_payment(payment.id), None
    return await apply_authorization(payment, authorization, gateway, urls, answered)


async def ask_gateway(
    gateway: PaymentGateway, payment: Payment, card: Card | None, now: datetime
) -> tuple[Authorization, datetime]:
    """The gateway's answer and when it came: the hold is judged then, not when the
    request came in (``now``), however long the gateway took."""
    asked = time.monotonic()
    authorization = await gateway.authorize(payment, card)
    return authorization, now + timedelta(seconds=time.monotonic() - asked)


async def _refuse_confirmation(payment_id: str, gateways: Gateways, now: datetime) -> None:
    """Why a payment may not be confirmed: raises the matching problem, and cancels a
    payment whose hold ran out or whose link was deactivated. Returns when it is only
    being confirmed by another request already."""
    payment = await get_public_payment(payment_id)
    if payment.status is not PaymentStatus.PENDING:
        raise _not_pending(payment)
    if payment.hold_expires_at <= now:
        await _expire(payment, await gateways.named(payment.gateway, payment.store_id), now)
    link = await public_link(payment.payment_link_id)
    if link.inactive_reason is InactiveReason.DEACTIVATED:
        async with transaction():
            await repository.mark_failed(
                payment,
                "The payment link was deactivated.",
                None,
                PaymentStatus.CANCELED,
                release_at=now,
            )
        raise Conflict("This payment link is no longer active.", code="link_inactive")


def _not_pending(payment: Payment) -> Conflict:
    return Conflict(f"This payment is already {payment.status.value}.", code="payment_not_pending")


async def apply_authorization(
    payment: Payment,
    authorization: Authorization,
    gateway: PaymentGateway,
    urls: PublicUrls,
    now: datetime,
) -> tuple[Payment, PaymentLink | None]:
    """Act on the gateway's answer: fail and free the slot, or record the success while
    the hold is valid and capture; an authorisation that outlived its hold is cancelled.
    Also called for gateway webhooks; the conditional updates make it happen once.
    Returns the payment, and its link as the success left it (None otherwise)."""
    if authorization.pending:
        return await get_public_payment(payment.id), None
    if not authorization.approved:
        async with transaction():
            failed = await repository.mark_failed(
                payment,
                authorization.decline_reason or "Declined.",
                authorization.card_last4,
                release_at=now,
            )
        return failed or await get_public_payment(payment.id), None

    async with transaction():
        succeeded = await repository.mark_succeeded(payment, now, authorization.card_last4)
        if succeeded is not None:
            paid, link = succeeded
            await events.record(
                payment.store_id,
                link_paid(to_view(link, urls, now), to_payment_view(paid)),
                now,
            )
            await messages.queue_customer_message(paid, MessageKind.RECEIPT, now)
    if succeeded is None:
        current = await get_public_payment(payment.id)
        if current.status in PAID:
            return current, None
        await _expire(payment, gateway, now)
    try:
        await gateway.capture(payment)
    except GatewayError:
        # Authorised and recorded as paid: the authorisation stands for days, and the
        # gateway's webhook or an operator captures it; the slot stays taken.
        log.exception("Capture of %s failed; it stays authorised", payment.id)
    return paid, link


async def _expire(payment: Payment, gateway: PaymentGateway, now: datetime) -> NoReturn:
    """Cancel a payment whose hold ran out, then give back what the customer authorised.

    The database first: once it says cancelled no success can be recorded, so the gateway
    never releases an authorisation that is then counted as paid. The release here is
    the quick path; the void job scheduled with the cancellation is the sure one."""
    async with transaction():
        await repository.cancel_expired_holds(now, payment.payment_link_id)
    current = await get_public_payment(payment.id)
    if current.status is not PaymentStatus.CANCELED:
        raise _not_pending(current)  # decided meanwhile, by another request
    if current.reference is not None and not gateway.offline:
        try:
            await gateway.cancel(current)
        except GatewayError as error:
            log.warning("Releasing timed-out %s at the gateway failed: %s", payment.id, error)
        else:
            await repository.schedule_void(payment.id, None)
    raise Conflict("This payment timed out: start again.", code="payment_expired")


async def get_payment(principal: Principal, payment_id: str) -> Payment:
    require_payments(principal)
    payment = await repository.get(payment_id, principal.store_id)
    if payment is None:
        raise NotFound("No such payment.")
    return payment


async def list_payments(
    principal: Principal,
    link_id: str,
    status: PaymentStatus | None,
    window: Window,
    client_reference_id: str | None = None,
) -> Page[Payment]:
    require_payments(principal)
    if await links.get(principal.store_id, link_id) is None:
        raise NotFound("No such payment link.")
    rows = await repository.list_for_link(
        link_id, principal.store_id, status, window, client_reference_id
    )
    return page_of(rows, window)
