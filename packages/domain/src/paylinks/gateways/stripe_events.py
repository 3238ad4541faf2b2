"""Stripe's webhooks: verify, de-duplicate by event id, and apply each event once.

The store is named by the metadata Paylinks puts on its PaymentIntents and refunds; its
webhook signing secret then verifies the event (the SDK's check, 300 s tolerance). An
event that is not one of ours (no Paylinks metadata) or not about a payment or refund is
acknowledged and ignored, so that Stripe stops sending it.

Payment events act on the PaymentIntent's state as Stripe reports it now (asked again,
since events may come late or out of order), through the same rules as the checkout's
confirmation: capture only while the slot is held, cancel an authorisation that outlived
its hold. Refund events settle the refund once.
"""

import json
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import stripe

from paylinks.db.engine import transaction
from paylinks.errors import Conflict, DomainError
from paylinks.gateways import repository
from paylinks.gateways.model import GatewayError, GatewayName
from paylinks.gateways.registry import Gateways
from paylinks.gateways.stripe import refund_state_of
from paylinks.links.model import PublicUrls
from paylinks.payments import repository as payments
from paylinks.payments.model import NOT_HONOURED, Payment, PaymentStatus
from paylinks.payments.service import apply_authorization, ask_gateway
from paylinks.refunds import repository as refunds
from paylinks.refunds.model import Refund, RefundStatus
from paylinks.refunds.service import settle_refund

log = logging.getLogger(__name__)

#: How old a signature may be (Stripe's default): a replayed old delivery is refused.
TOLERANCE_SECONDS = 300
#: After this long, an event claimed by a delivery that never finished may be taken over.
CLAIM_LEASE = timedelta(minutes=5)
STORE_ID_MAX = 40
UNVERIFIED = "The Stripe-Signature header does not verify this body for any store."

CAPTURABLE = "payment_intent.amount_capturable_updated"
PAYMENT_FAILED = "payment_intent.payment_failed"
PAYMENT_SUCCEEDED = "payment_intent.succeeded"
PAYMENT_CANCELED = "payment_intent.canceled"
PAYMENT_EVENTS = frozenset({CAPTURABLE, PAYMENT_FAILED, PAYMENT_SUCCEEDED, PAYMENT_CANCELED})
REFUND_EVENTS = frozenset(
    {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
)
FINAL_REFUND_STATUSES = frozenset({"succeeded", "failed", "canceled"})


class InvalidWebhook(DomainError):
    """Not a verifiable Stripe event of one of our stores: answered 400, nothing changes."""

    code = "invalid_webhook"


class Received(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


def _parse(payload: bytes) -> dict[str, Any]:
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the limit
        raise InvalidWebhook("The body is not a Stripe event.") from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidWebhook("The body is not a Stripe event.")
    return event


def _store_id(obj: dict[str, Any]) -> str | None:
    metadata = obj.get("metadata")
    store_id = metadata.get("paylinks_store_id") if isinstance(metadata, dict) else None
    return store_id if isinstance(store_id, str) and store_id else None


async def receive(
    payload: bytes,
    signature: str | None,
    gateways: Gateways,
    urls: PublicUrls,
    now: datetime,
) -> Received:
    """Verify and apply one webhook delivery; a second delivery of an event changes nothing.

    Raises InvalidWebhook for a bad, missing or stale signature or an unknown store, and
    Conflict (``gateway_unavailable``) when Stripe could not be asked: its retry will come.
    """
    unverified = _parse(payload)
    obj: dict[str, Any] = unverified["data"]["object"]
    store_id = _store_id(obj)
    if store_id is None:
        return Received.IGNORED
    secret = await gateways.webhook_secret(store_id) if len(store_id) <= STORE_ID_MAX else None
    # One answer for an unknown store and a bad signature: it tells nobody which stores
    # take Stripe events.
    if secret is None:
        raise InvalidWebhook(UNVERIFIED)
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError):
        raise InvalidWebhook(UNVERIFIED) from None
    event_id, event_type = str(event.id), str(event.type)
    if event_type not in PAYMENT_EVENTS | REFUND_EVENTS:
        return Received.IGNORED
    if not await repository.claim(event_id, store_id, event_type, now, now - CLAIM_LEASE):
        return Received.DUPLICATE
    try:
        if event_type in PAYMENT_EVENTS:
            await _payment_event(event_type, store_id, obj, gateways, urls, now)
        else:
            await _refund_event(store_id, obj, urls, now)
    except GatewayError as error:
        await repository.release(event_id)
        log.warning("Stripe event %s (%s) will be retried: %s", event_id, event_type, error)
        raise Conflict(
            "Stripe could not be asked about this event: send it again later.",
            code="gateway_unavailable",
        ) from None
    except BaseException:
        await repository.release(event_id)
        raise
    await repository.mark_processed(event_id, now)
    return Received.PROCESSED


async def _payment_event(
    event_type: str,
    store_id: str,
    intent: dict[str, Any],
    gateways: Gateways,
    urls: PublicUrls,
    now: datetime,
) -> None:
    payment = await payments.get_by_reference(str(intent.get("id")))
    if payment is None or payment.store_id != store_id:
        return
    if event_type == PAYMENT_CANCELED:
        await _canceled(payment)
        return
    gateway = await gateways.for_store(store_id)
    if payment.gateway != GatewayName.STRIPE or gateway.name is not GatewayName.STRIPE:
        return
    if payment.status is PaymentStatus.PENDING:
        authorization, answered = await ask_gateway(gateway, payment, None, now)
        try:
            await apply_authorization(payment, authorization, gateway, urls, answered)
        except Conflict as error:
            # The hold ran out (the payment was cancelled and the authorisation released),
            # or another request decided the payment meanwhile.
            if error.code not in ("payment_expired", "payment_not_pending"):
                raise
    elif payment.status in NOT_HONOURED and event_type in (CAPTURABLE, PAYMENT_SUCCEEDED):
        # Funds held, or even taken, for a payment that was not honoured: given back.
        await gateway.cancel(payment)
    elif payment.status is PaymentStatus.SUCCEEDED and event_type == CAPTURABLE:
        # Recorded as paid, but its capture failed earlier.
        await gateway.capture(payment)


async def _canceled(payment: Payment) -> None:
    async with transaction():
        await payments.mark_failed(
            payment,
            "The payment was canceled at Stripe.",
            None,
            PaymentStatus.CANCELED,
            release_at=None,  # Stripe released it
        )
    if payment.status is PaymentStatus.SUCCEEDED:
        log.warning("Stripe canceled %s, recorded as paid, before its capture", payment.id)


async def _refund_event(
    store_id: str, obj: dict[str, Any], urls: PublicUrls, now: datetime
) -> None:
    status = obj.get("status")
    reference = obj.get("id")
    if status not in FINAL_REFUND_STATUSES or not isinstance(reference, str):
        return
    refund = await _refund_of(store_id, reference, obj)
    if refund is None or refund.status is not RefundStatus.PENDING:
        return
    payment = await payments.get(refund.payment_id)
    if payment is None or obj.get("payment_intent") not in (None, payment.reference):
        return
    if refund.reference is None:
        # The event overtook the worker that submitted the refund.
        await refunds.set_reference(refund.id, reference)
    failure = obj.get("failure_reason")
    state = refund_state_of(reference, str(status), failure if isinstance(failure, str) else None)
    await settle_refund(refund, payment, state, urls, now)


async def _refund_of(store_id: str, reference: str, obj: dict[str, Any]) -> Refund | None:
    refund = await refunds.get_by_reference(reference)
    if refund is None:
        metadata = obj.get("metadata")
        refund_id = metadata.get("paylinks_refund_id") if isinstance(metadata, dict) else None
        if isinstance(refund_id, str) and refund_id:
            refund = await refunds.get(refund_id, store_id)
    if refund is None or refund.store_id != store_id:
        return None
    if refund.reference not in (None, reference):
        return None
    return refund
