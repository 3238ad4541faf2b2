"""The sandbox gateway: its test cards decide, with no network; refunds settle later, and
those of the refund-failing card fail."""

import pytest

from paylinks.gateways.model import RefundOutcome
from paylinks.gateways.sandbox import DECLINED, REFUND_FAILS, SUCCEEDS, SandboxGateway
from paylinks.payments.model import Card
from tests.factories import payment

SANDBOX = SandboxGateway()


def card(number: str) -> Card:
    return Card(number=number, exp_month=12, exp_year=2030, cvc="123")


class TestAuthorize:
    @pytest.mark.parametrize("number", [SUCCEEDS, REFUND_FAILS])
    async def test_its_good_cards_are_approved_with_their_last_four_digits(
        self, number: str
    ) -> None:
        authorization = await SANDBOX.authorize(payment(), card(number))
        assert authorization.approved
        assert not authorization.pending
        assert authorization.card_last4 == number[-4:]
        assert authorization.decline_reason is None

    @pytest.mark.parametrize("number", ["4242 4242 4242 4242", "4242-4242-4242-4242"])
    async def test_spaces_and_dashes_in_the_number_are_ignored(self, number: str) -> None:
        authorization = await SANDBOX.authorize(payment(), card(number))
        assert (authorization.approved, authorization.card_last4) == (True, "4242")

    async def test_the_declined_card_is_declined_as_a_bank_would(self) -> None:
        authorization = await SANDBOX.authorize(payment(), card(DECLINED))
        assert not authorization.approved
        assert authorization.decline_reason == "Your card was declined."
        assert authorization.card_last4 == "0002"

    @pytest.mark.parametrize("number", ["5555555555554444", "4111111111111111"])
    async def test_any_other_card_is_refused_with_a_reason_saying_why(self, number: str) -> None:
        authorization = await SANDBOX.authorize(payment(), card(number))
        assert not authorization.approved
        assert authorization.decline_reason == "This sandbox accepts only its test cards."
        assert authorization.card_last4 == number[-4:]

    async def test_no_card_is_refused_without_last_four_digits(self) -> None:
        authorization = await SANDBOX.authorize(payment(), None)
        assert not authorization.approved
        assert authorization.card_last4 is None


class TestStart:
    async def test_the_reference_is_made_from_the_payment_id(self) -> None:
        started = await SANDBOX.start(payment(id="pay_0123"))
        assert started.reference == "sbx_0123"
        assert started.client_secret is None

    async def test_it_decides_offline(self) -> None:
        assert SANDBOX.offline
        assert await SANDBOX.capture(payment()) is None
        assert await SANDBOX.cancel(payment()) is None


class TestRefunds:
    async def test_a_refund_is_pending_until_asked_again(self) -> None:
        state = await SANDBOX.refund(payment(card_last4="4242"), "re_0456", 500)
        assert (state.reference, state.outcome) == ("sbx_0456", RefundOutcome.PENDING)
        assert state.failure_reason is None

    async def test_then_it_succeeds(self) -> None:
        state = await SANDBOX.refund_state(payment(card_last4="4242"), "sbx_0456")
        assert (state.reference, state.outcome) == ("sbx_0456", RefundOutcome.SUCCEEDED)

    async def test_a_refund_of_the_refund_failing_card_fails_with_a_reason(self) -> None:
        state = await SANDBOX.refund_state(payment(card_last4=REFUND_FAILS[-4:]), "sbx_0456")
        assert state.outcome is RefundOutcome.FAILED
        assert state.failure_reason == "The card issuer refused the refund."
