"""The Stripe gateway: PaymentIntents with manual capture, through the official SDK.

The customer's browser confirms the PaymentIntent with the Payment Element; ``authorize``
then asks Stripe what came of it, and the payment service captures only while the link's
slot is still held. Each call opens its own HTTP client and closes it, so that no pool
outlives the event loop it was made on (the API's and the worker's differ).

Stripe's own error messages can quote request details, so a ``GatewayError`` carries only
a short message of ours and Stripe's error code.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import stripe

from paylinks.gateways.model import (
    Authorization,
    GatewayError,
    GatewayName,
    RefundOutcome,
    RefundState,
    Started,
)
from paylinks.payments.model import Card, Payment

log = logging.getLogger(__name__)

#: What the customer's browser may have left the PaymentIntent in while it is not decided.
PENDING_STATUSES = frozenset({"processing", "requires_action", "requires_confirmation"})

_REFUND_OUTCOMES = {
    "pending": RefundOutcome.PENDING,
    "requires_action": RefundOutcome.PENDING,
    "succeeded": RefundOutcome.SUCCEEDED,
    "failed": RefundOutcome.FAILED,
    "canceled": RefundOutcome.FAILED,
}

_REFUND_FAILURES = {
    "lost_or_stolen_card": "The card was reported lost or stolen.",
    "expired_or_canceled_card": "The card has expired or was canceled.",
    "insufficient_funds": "The merchant's Stripe balance was insufficient.",
    "declined": "The card issuer refused the refund.",
    "merchant_request": "The refund was canceled at the merchant's request.",
}

_UNEXPECTED_STATE = "payment_intent_unexpected_state"
_ALREADY_REFUNDED = "charge_already_refunded"


def describe(error: stripe.StripeError) -> str:
    """A short message for ``error`` that never quotes a key or a request."""
    code = f" ({error.code})" if isinstance(error.code, str) and error.code.isidentifier() else ""
    if isinstance(error, stripe.APIConnectionError):
        return "Stripe could not be reached."
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "Stripe refused the store's API key."
    if isinstance(error, stripe.RateLimitError):
        return "Stripe is rate limiting this account."
    if isinstance(error, stripe.CardError):
        return f"The card was declined{code}."
    if isinstance(error, stripe.InvalidRequestError | stripe.IdempotencyError):
        return f"Stripe refused the request{code}."
    return f"Stripe failed{code}."


def is_transient(error: stripe.StripeError) -> bool:
    """Worth asking again later: Stripe was unreachable, busy or failed on its side."""
    status = error.http_status if isinstance(error.http_status, int) else None
    return isinstance(error, stripe.APIConnectionError | stripe.RateLimitError) or (
        status is not None and status >= 500
    )


def refund_state_of(reference: str, status: str | None, failure_reason: str | None) -> RefundState:
    """Our view of a Stripe refund's ``status`` and ``failure_reason``."""
    outcome = _REFUND_OUTCOMES.get(status or "pending", RefundOutcome.PENDING)
    reason = None
    if outcome is RefundOutcome.FAILED:
        reason = _REFUND_FAILURES.get(failure_reason or "", "Stripe could not complete the refund.")
    return RefundState(reference=reference, outcome=outcome, failure_reason=reason)


def _last4(intent: stripe.PaymentIntent) -> str | None:
    """The card's last four digits, from the expanded latest charge or payment method."""
    charge: Any = intent.latest_charge
    details = getattr(charge, "payment_method_details", None)
    card = getattr(details, "card", None)
    if card is None:
        card = getattr(intent.payment_method, "card", None)
    last4 = getattr(card, "last4", None)
    return last4 if isinstance(last4, str) else None


def authorization_of(intent: stripe.PaymentIntent) -> Authorization:
    """What a PaymentIntent's status says about the customer's payment."""
    status = intent.status
    if status in ("requires_capture", "succeeded"):
        return Authorization(approved=True, card_last4=_last4(intent))
    if status in PENDING_STATUSES:
        return Authorization(approved=False, pending=True)
    if status == "canceled":
        return Authorization(approved=False, decline_reason="The payment was canceled.")
    error = intent.last_payment_error
    return Authorization(
        approved=False,
        decline_reason=(error.message if error and error.message else None)
        or "The payment was not completed.",
        card_last4=_last4(intent),
    )


class StripeGateway:
    name = GatewayName.STRIPE
    offline = False

    def __init__(self, secret_key: str, api_base: str = "") -> None:
        self._secret_key = secret_key
        self._api_base = api_base

    def __repr__(self) -> str:
        return f"StripeGateway(api_base={self._api_base or 'stripe'!r})"

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[stripe.StripeClient]:
        http = stripe.HTTPXClient()
        try:
            yield stripe.StripeClient(
                self._secret_key,
                base_addresses={"api": self._api_base} if self._api_base else None,
                http_client=http,
            )
        except stripe.StripeError as error:
            raise GatewayError(describe(error), transient=is_transient(error)) from None
        finally:
            await http.close_async()  # type: ignore[no-untyped-call]

    async def start(self, payment: Payment) -> Started:
        async with self._client() as client:
            intent = await client.v1.payment_intents.create_async(
                {
                    "amount": payment.amount,
                    "currency": payment.currency.lower(),
                    "capture_method": "manual",
                    "automatic_payment_methods": {"enabled": True},
                    "metadata": {
                        "paylinks_payment_id": payment.id,
                        "paylinks_store_id": payment.store_id,
                        "paylinks_payment_link_id": payment.payment_link_id,
                    },
                },
                {"idempotency_key": payment.id},
            )
        return Started(reference=intent.id, client_secret=intent.client_secret)

    async def authorize(self, payment: Payment, card: Card | None) -> Authorization:
        async with self._client() as client:
            intent = await client.v1.payment_intents.retrieve_async(
                self._reference(payment), {"expand": ["latest_charge", "payment_method"]}
            )
        return authorization_of(intent)

    async def capture(self, payment: Payment) -> None:
        await self._finish(payment, capture=True)

    async def cancel(self, payment: Payment) -> None:
        await self._finish(payment, capture=False)

    async def _finish(self, payment: Payment, *, capture: bool) -> None:
        """Capture or cancel the PaymentIntent; one already in the wanted state is done,
        and one captured where it should be cancelled is refunded in full."""
        wanted = "succeeded" if capture else "canceled"
        reference = self._reference(payment)
        async with self._client() as client:
            intents = client.v1.payment_intents
            try:
                if capture:
                    await intents.capture_async(reference)
                else:
                    await intents.cancel_async(reference)
                return
            except stripe.InvalidRequestError as error:
                if error.code != _UNEXPECTED_STATE:
                    raise
            status = (await intents.retrieve_async(reference)).status
            if status == wanted:
                return
            if not capture and status == "succeeded":
                await self._give_back(client, payment, reference)
                return
            verb = "captured" if capture else "canceled"
            raise GatewayError(
                f"The PaymentIntent cannot be {verb}: its status is {status}.", transient=False
            )

    async def _give_back(
        self, client: stripe.StripeClient, payment: Payment, reference: str
    ) -> None:
        """Refund all that is left of a PaymentIntent captured for a payment that was not
        honoured (the merchant captured it at Stripe by hand, say). The idempotency key
        makes a second call the same refund; after Stripe forgets the key, the charge is
        already refunded."""
        log.warning("%s was captured at Stripe but not honoured: refunding it in full", payment.id)
        try:
            refund = await client.v1.refunds.create_async(
                {
                    "payment_intent": reference,
                    "reason": "duplicate",
                    "metadata": {
                        "paylinks_store_id": payment.store_id,
                        "paylinks_given_back": payment.id,
                    },
                },
                {"idempotency_key": f"{payment.id}_given_back"},
            )
        except stripe.InvalidRequestError as error:
            if error.code != _ALREADY_REFUNDED:
                raise
            return
        if refund.status in ("failed", "canceled"):
            raise GatewayError(
                f"Stripe could not refund the captured PaymentIntent ({refund.status}).",
                transient=False,
            )

    async def refund(self, payment: Payment, refund_id: str, amount: int) -> RefundState:
        async with self._client() as client:
            refund = await client.v1.refunds.create_async(
                {
                    "payment_intent": self._reference(payment),
                    "amount": amount,
                    "metadata": {
                        "paylinks_refund_id": refund_id,
                        "paylinks_store_id": payment.store_id,
                    },
                },
                {"idempotency_key": refund_id},
            )
        return refund_state_of(refund.id, refund.status, refund.failure_reason)

    async def refund_state(self, payment: Payment, reference: str) -> RefundState:
        async with self._client() as client:
            refund = await client.v1.refunds.retrieve_async(reference)
        return refund_state_of(refund.id, refund.status, refund.failure_reason)

    @staticmethod
    def _reference(payment: Payment) -> str:
        if not payment.reference:
            raise GatewayError("The payment was never opened at Stripe.")
        return payment.reference
