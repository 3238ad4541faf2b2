"""What the Stripe gateway makes of Stripe's answers, with no network: a PaymentIntent's
status, a refund's status and reason, and errors told briefly, never quoting a key."""

from typing import Any

import pytest
import stripe

from paylinks.gateways.model import GatewayError, RefundOutcome
from paylinks.gateways.stripe import (
    PENDING_STATUSES,
    StripeGateway,
    authorization_of,
    describe,
    is_transient,
    refund_state_of,
)
from tests.factories import payment

KEY = "sk_live_51SecretThatMustNeverBeQuoted"


def intent(status: str, **fields: Any) -> stripe.PaymentIntent:
    values = {"payment_method": None, "latest_charge": None, "last_payment_error": None}
    return stripe.PaymentIntent.construct_from(
        {"id": "pi_1", "object": "payment_intent", "status": status, **values, **fields}, KEY
    )


def charge_with_card(last4: str) -> dict[str, Any]:
    return {"id": "ch_1", "object": "charge", "payment_method_details": {"card": {"last4": last4}}}


class TestAuthorizationOf:
    @pytest.mark.parametrize("status", ["requires_capture", "succeeded"])
    def test_funds_held_or_taken_are_approved_with_the_cards_last_four(self, status: str) -> None:
        authorization = authorization_of(intent(status, latest_charge=charge_with_card("4242")))
        assert (authorization.approved, authorization.card_last4) == (True, "4242")

    def test_the_last_four_come_from_the_payment_method_without_a_charge(self) -> None:
        method = {"id": "pm_1", "object": "payment_method", "card": {"last4": "1881"}}
        authorization = authorization_of(intent("requires_capture", payment_method=method))
        assert authorization.card_last4 == "1881"

    def test_unexpanded_references_give_no_last_four(self) -> None:
        authorization = authorization_of(
            intent("requires_capture", latest_charge="ch_1", payment_method="pm_1")
        )
        assert (authorization.approved, authorization.card_last4) == (True, None)

    @pytest.mark.parametrize("status", sorted(PENDING_STATUSES))
    def test_a_payment_the_bank_is_still_deciding_is_pending(self, status: str) -> None:
        authorization = authorization_of(intent(status))
        assert (authorization.approved, authorization.pending) == (False, True)
        assert authorization.decline_reason is None

    def test_a_canceled_intent_is_declined_as_canceled(self) -> None:
        authorization = authorization_of(intent("canceled"))
        assert not authorization.approved
        assert authorization.decline_reason == "The payment was canceled."

    def test_a_failed_attempt_gives_stripes_message_to_the_customer(self) -> None:
        error = {"message": "Your card has insufficient funds.", "code": "card_declined"}
        authorization = authorization_of(
            intent(
                "requires_payment_method",
                last_payment_error=error,
                latest_charge=charge_with_card("9995"),
            )
        )
        assert not authorization.approved
        assert not authorization.pending
        assert authorization.decline_reason == "Your card has insufficient funds."
        assert authorization.card_last4 == "9995"

    def test_an_unfinished_payment_without_an_error_is_not_completed(self) -> None:
        authorization = authorization_of(intent("requires_payment_method"))
        assert authorization.decline_reason == "The payment was not completed."


class TestRefundStateOf:
    @pytest.mark.parametrize(
        ("status", "outcome"),
        [
            ("pending", RefundOutcome.PENDING),
            ("requires_action", RefundOutcome.PENDING),
            (None, RefundOutcome.PENDING),
            ("something_new", RefundOutcome.PENDING),
            ("succeeded", RefundOutcome.SUCCEEDED),
            ("failed", RefundOutcome.FAILED),
            ("canceled", RefundOutcome.FAILED),
        ],
    )
    def test_stripes_statuses_map_to_three_outcomes(
        self, status: str | None, outcome: RefundOutcome
    ) -> None:
        state = refund_state_of("re_1", status, None)
        assert (state.reference, state.outcome) == ("re_1", outcome)

    def test_a_failure_is_explained_in_plain_words(self) -> None:
        state = refund_state_of("re_1", "failed", "insufficient_funds")
        assert state.failure_reason == "The merchant's Stripe balance was insufficient."

    @pytest.mark.parametrize("reason", [None, "a_reason_stripe_adds_later"])
    def test_an_unknown_or_missing_failure_reason_still_explains(self, reason: str | None) -> None:
        state = refund_state_of("re_1", "canceled", reason)
        assert state.failure_reason == "Stripe could not complete the refund."

    def test_only_a_failed_refund_has_a_reason(self) -> None:
        assert refund_state_of("re_1", "succeeded", "declined").failure_reason is None


class TestErrors:
    @pytest.mark.parametrize(
        ("error", "message", "transient"),
        [
            (stripe.APIConnectionError(KEY), "Stripe could not be reached.", True),
            (
                stripe.AuthenticationError(f"Invalid API Key provided: {KEY}", http_status=401),
                "Stripe refused the store's API key.",
                False,
            ),
            (
                stripe.PermissionError(KEY, http_status=403),
                "Stripe refused the store's API key.",
                False,
            ),
            (
                stripe.RateLimitError(KEY, http_status=429),
                "Stripe is rate limiting this account.",
                True,
            ),
            (
                stripe.CardError(KEY, "number", "card_declined", http_status=402),
                "The card was declined (card_declined).",
                False,
            ),
            (
                stripe.InvalidRequestError(KEY, "intent", code="resource_missing", http_status=404),
                "Stripe refused the request (resource_missing).",
                False,
            ),
            (stripe.APIError(KEY, http_status=502), "Stripe failed.", True),
            (stripe.APIError(KEY, http_status=400, code="odd"), "Stripe failed (odd).", False),
        ],
    )
    def test_each_kind_is_told_briefly_and_marked_worth_retrying_or_not(
        self, error: stripe.StripeError, message: str, transient: bool
    ) -> None:
        assert describe(error) == message
        assert is_transient(error) is transient
        assert KEY not in describe(error)

    def test_a_code_that_is_not_a_plain_name_is_left_out(self) -> None:
        error = stripe.InvalidRequestError("bad", "x", code=f"{KEY} (see logs)", http_status=400)
        assert describe(error) == "Stripe refused the request."


class TestGateway:
    def test_its_repr_never_shows_the_key(self) -> None:
        assert KEY not in repr(StripeGateway(KEY))
        assert repr(StripeGateway(KEY, "http://127.0.0.1:9")) == (
            "StripeGateway(api_base='http://127.0.0.1:9')"
        )

    async def test_a_payment_never_opened_at_stripe_is_refused_without_a_call(self) -> None:
        gateway = StripeGateway(KEY, "http://127.0.0.1:9")
        with pytest.raises(GatewayError, match="never opened at Stripe") as raised:
            await gateway.authorize(payment(gateway="stripe", reference=None), None)
        assert raised.value.transient
