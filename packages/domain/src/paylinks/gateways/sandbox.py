"""The built-in sandbox gateway: no network, decisions by test card number.

``4242 4242 4242 4242`` succeeds; ``4000 0000 0000 0002`` is declined; ``4000 0000 0000
5126`` succeeds but any refund of it fails. Refunds settle asynchronously: ``refund``
answers pending and ``refund_state`` (asked by a worker job) gives the outcome.
"""

from paylinks.gateways.model import (
    Authorization,
    GatewayName,
    RefundOutcome,
    RefundState,
    Started,
)
from paylinks.payments.model import Card, Payment

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
REFUND_FAILS = "4000000000005126"


class SandboxGateway:
    name = GatewayName.SANDBOX
    offline = True

    async def start(self, payment: Payment) -> Started:
        return Started(reference=f"sbx_{payment.id.removeprefix('pay_')}")

    async def authorize(self, payment: Payment, card: Card | None) -> Authorization:
        number = (card.number if card else "").replace(" ", "").replace("-", "")
        if number in (SUCCEEDS, REFUND_FAILS):
            return Authorization(approved=True, card_last4=number[-4:])
        if number == DECLINED:
            return Authorization(
                approved=False, decline_reason="Your card was declined.", card_last4=number[-4:]
            )
        return Authorization(
            approved=False,
            card_last4=number[-4:] or None,
            decline_reason="This sandbox accepts only its test cards.",
        )

    async def capture(self, payment: Payment) -> None:
        return None

    async def cancel(self, payment: Payment) -> None:
        return None

    async def refund(self, payment: Payment, refund_id: str, amount: int) -> RefundState:
        return RefundState(
            reference=f"sbx_{refund_id.removeprefix('re_')}", outcome=RefundOutcome.PENDING
        )

    async def refund_state(self, payment: Payment, reference: str) -> RefundState:
        if payment.card_last4 == REFUND_FAILS[-4:]:
            return RefundState(
                reference=reference,
                outcome=RefundOutcome.FAILED,
                failure_reason="The card issuer refused the refund.",
            )
        return RefundState(reference=reference, outcome=RefundOutcome.SUCCEEDED)
