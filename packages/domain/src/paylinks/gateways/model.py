"""The payment gateway interface: the sandbox and Stripe both implement it.

The payment service decides *when* to authorise, capture, cancel and refund (capture only
while the reservation holds); a gateway only knows *how*.
"""

from datetime import timedelta
from enum import StrEnum
from typing import Protocol

import msgspec

from paylinks.payments.model import Card, Payment

#: How long received gateway event ids are kept to turn duplicates away: well beyond the
#: three days over which Stripe retries a delivery.
EVENT_RETENTION = timedelta(days=30)


class GatewayName(StrEnum):
    SANDBOX = "sandbox"
    STRIPE = "stripe"


class Started(msgspec.Struct, frozen=True):
    """What the checkout needs to collect the payment."""

    reference: str
    client_secret: str | None = None


class Authorization(msgspec.Struct, frozen=True):
    """The gateway's answer: approved (funds held, to capture), declined, or still pending
    (the customer's bank is deciding; a webhook will tell)."""

    approved: bool
    decline_reason: str | None = None
    card_last4: str | None = None
    pending: bool = False


class RefundOutcome(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundState(msgspec.Struct, frozen=True):
    reference: str
    outcome: RefundOutcome
    failure_reason: str | None = None


class GatewayError(Exception):
    """The gateway could not be reached or refused the request for a reason of its own.

    ``transient``: it may well work if asked again (an outage, a timeout, rate limiting);
    otherwise the gateway has said no for good.
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class PaymentGateway(Protocol):
    name: GatewayName
    #: ``start`` and ``authorize`` decide here, with no network call (the sandbox): the
    #: payment service then runs them inside its transactions (the slot's reservation, the
    #: confirmation's claim) and commits each with its outcome. A gateway over the network
    #: is called between transactions, so that no lock is held while it answers.
    offline: bool

    async def start(self, payment: Payment) -> Started:
        """Open the payment at the gateway (a Stripe PaymentIntent, manual capture)."""
        ...

    async def authorize(self, payment: Payment, card: Card | None) -> Authorization:
        """Authorise the amount: with the card (sandbox), or by asking the gateway what the
        customer's browser did (Stripe)."""
        ...

    async def capture(self, payment: Payment) -> None: ...

    async def cancel(self, payment: Payment) -> None:
        """Give the customer back what a payment that was not honoured holds: release the
        authorisation or, if it was captured all the same (by hand at the gateway), refund
        it in full. Done already counts as done."""
        ...

    async def refund(self, payment: Payment, refund_id: str, amount: int) -> RefundState: ...

    async def refund_state(self, payment: Payment, reference: str) -> RefundState: ...
