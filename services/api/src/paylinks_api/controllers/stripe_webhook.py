"""Stripe's webhook endpoint: public, authenticated by the ``Stripe-Signature`` header."""

from typing import Any

import msgspec
from litestar import Controller, Request, post

from paylinks.gateways import stripe_events
from paylinks_api.deps import Ctx
from paylinks_api.strict_input import RAW_BODY


class WebhookReceived(msgspec.Struct, kw_only=True):
    received: bool
    #: ``processed``, ``duplicate`` (an event already applied) or ``ignored`` (not ours).
    outcome: stripe_events.Received


class StripeWebhookController(Controller):
    path = "/v1/gateways/stripe"
    tags = ["Gateways"]

    @post(
        "/webhook",
        summary="Receive Stripe's webhook events",
        status_code=200,
        security=[],
        opt={RAW_BODY: True},
    )
    async def receive_stripe_webhook(
        self, request: Request[Any, Any, Any], ctx: Ctx
    ) -> WebhookReceived:
        """Stripe's events about PaymentIntents and refunds of a store using Stripe.

        The raw body is verified with the store's webhook signing secret (300 s tolerance);
        each event is applied once, however often Stripe delivers it. 400 for a body
        that cannot be verified; 409 while Stripe cannot be asked, so that Stripe retries.
        """
        outcome = await stripe_events.receive(
            await request.body(),
            request.headers.get("stripe-signature"),
            ctx.gateways,
            ctx.urls,
            ctx.clock(),
        )
        return WebhookReceived(received=True, outcome=outcome)
