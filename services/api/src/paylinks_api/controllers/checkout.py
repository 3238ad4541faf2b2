"""The public checkout API: no key, rate-limited per client address."""

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from paylinks import locales
from paylinks.links.model import PaymentLink
from paylinks.payments import service as payments
from paylinks.payments.model import Customer, Payment
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Ctx
from paylinks_api.openapi import CONFLICT, created
from paylinks_api.ratelimit import limit, within_start_budget
from paylinks_api.schemas.checkout import (
    CheckoutLink,
    CheckoutPayment,
    PaymentConfirm,
    PaymentStart,
    shows_after,
)

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]
PaymentId = Annotated[str, object_id("A payment id (pay_…)")]


class CheckoutController(Controller):
    path = "/v1/checkout"
    tags = ["Checkout (public)"]
    guards = [limit("checkout")]

    @get("/links/{link_id:str}", responses=CONFLICT)
    async def get_checkout_link(self, link_id: LinkId, ctx: Ctx) -> CheckoutLink:
        """What the customer sees: merchant, title, amount or bounds, fields, status."""
        link, merchant = await payments.public_link_with_merchant(link_id)
        return CheckoutLink.of(link, merchant, ctx.urls, ctx.clock())

    @post(
        "/links/{link_id:str}/payments", responses=CONFLICT, **created("/v1/checkout/payments/{id}")
    )
    async def start_checkout_payment(
        self,
        link_id: LinkId,
        data: JSONBody[PaymentStart],
        ctx: Ctx,
        request: Request[Any, Any, Any],
    ) -> CheckoutPayment:
        """Start a payment: validates amount and details and holds a place on the link
        briefly (`PAYLINKS_START_HOLD_SECONDS`; the confirmation makes it the full
        reservation). A client has a budget of starts on each one-off or capped link."""
        spend_start = await within_start_budget(request, link_id)
        started = await payments.start_payment(
            link_id,
            data.amount,
            data.customer or Customer(),
            ctx.gateways,
            ctx.start_hold,
            ctx.clock(),
            client_reference_id=data.client_reference_id,
            locale=locales.supported(data.locale) if data.locale else None,
        )
        if started.holds_a_place:
            await spend_start()
        return await _answer(started.payment, None, started.client_secret)

    @post("/payments/{payment_id:str}/confirm", status_code=200, responses=CONFLICT)
    async def confirm_checkout_payment(
        self, payment_id: PaymentId, data: JSONBody[PaymentConfirm], ctx: Ctx
    ) -> CheckoutPayment:
        """Pay: with a sandbox test card, or (Stripe) after the Payment Element confirmed."""
        payment, link = await payments.confirm_payment(
            payment_id, data.card, ctx.gateways, ctx.urls, ctx.clock(), ctx.hold
        )
        return await _answer(payment, link)

    @get("/payments/{payment_id:str}", responses=CONFLICT)
    async def get_checkout_payment(self, payment_id: PaymentId, ctx: Ctx) -> CheckoutPayment:
        """The payment's status, and the thank-you page or redirect once it succeeded."""
        payment = await payments.get_public_payment(payment_id)
        return await _answer(payment, None)


async def _answer(
    payment: Payment, link: PaymentLink | None, client_secret: str | None = None
) -> CheckoutPayment:
    """The payment for the customer, with its link read only when the answer needs it and
    the use case did not return it."""
    if link is None and shows_after(payment):
        link = await payments.public_link(payment.payment_link_id)
    return CheckoutPayment.of(payment, link, client_secret)
