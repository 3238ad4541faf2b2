"""Payments: the lifecycle as data, what is refundable, the amount to charge, and the
customer's and card's details as a link asks for them."""

from collections.abc import Callable
from datetime import UTC, datetime

import msgspec
import pytest

from paylinks.errors import ValidationFailed
from paylinks.links.model import AmountType, CustomerFields, FieldMode
from paylinks.money import MAX_AMOUNT
from paylinks.payments.model import (
    NAME_MAX,
    NOT_HONOURED,
    PAID,
    REFUNDABLE,
    TRANSITIONS,
    Card,
    Customer,
    PaymentStatus,
    checkout_amount,
    from_statuses,
    refundable,
    status_after_refunds,
    to_payment_view,
    validate_card,
    validate_customer,
)
from tests.factories import payment, payment_link

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
S = PaymentStatus
FINAL = [S.FAILED, S.CANCELED, S.FULLY_REFUNDED]


def rejected(call: Callable[[], object]) -> list[tuple[str, str]]:
    """The fields ``call`` turned down, with what it said about each."""
    with pytest.raises(ValidationFailed) as caught:
        call()
    return [(error.field, error.message) for error in caught.value.errors]


class TestLifecycle:
    def test_every_status_has_its_moves(self) -> None:
        assert set(TRANSITIONS) == set(PaymentStatus)

    def test_a_pending_payment_succeeds_fails_or_is_canceled(self) -> None:
        assert TRANSITIONS[S.PENDING] == {S.SUCCEEDED, S.FAILED, S.CANCELED}

    def test_refunds_move_a_paid_payment_on_until_all_is_refunded(self) -> None:
        assert TRANSITIONS[S.SUCCEEDED] == {S.PARTIALLY_REFUNDED, S.FULLY_REFUNDED}
        assert TRANSITIONS[S.PARTIALLY_REFUNDED] == {S.PARTIALLY_REFUNDED, S.FULLY_REFUNDED}

    @pytest.mark.parametrize("status", FINAL)
    def test_failed_canceled_and_fully_refunded_are_final(self, status: PaymentStatus) -> None:
        assert TRANSITIONS[status] == frozenset()


class TestFromStatuses:
    @pytest.mark.parametrize("target", [S.SUCCEEDED, S.FAILED, S.CANCELED])
    def test_only_a_pending_payment_is_decided(self, target: PaymentStatus) -> None:
        assert from_statuses(target) == {S.PENDING}

    def test_a_pending_payment_may_fail_or_be_canceled(self) -> None:
        assert from_statuses(S.FAILED, S.CANCELED) == {S.PENDING}

    @pytest.mark.parametrize("target", [S.PARTIALLY_REFUNDED, S.FULLY_REFUNDED])
    def test_a_refund_moves_a_succeeded_or_partly_refunded_payment(
        self, target: PaymentStatus
    ) -> None:
        assert from_statuses(target) == {S.SUCCEEDED, S.PARTIALLY_REFUNDED}

    def test_nothing_moves_back_to_pending(self) -> None:
        assert from_statuses(S.PENDING) == frozenset()

    def test_a_status_must_lead_to_every_target(self) -> None:
        assert from_statuses(S.SUCCEEDED, S.FULLY_REFUNDED) == frozenset()


class TestStatusSets:
    def test_refundable_payments_are_paid_and_not_all_refunded(self) -> None:
        assert {S.SUCCEEDED, S.PARTIALLY_REFUNDED} == REFUNDABLE

    def test_paid_payments_include_the_refunded_ones(self) -> None:
        assert {S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.FULLY_REFUNDED} == PAID

    def test_failed_and_canceled_payments_were_not_honoured(self) -> None:
        assert {S.FAILED, S.CANCELED} == NOT_HONOURED

    def test_every_payment_is_pending_paid_or_not_honoured(self) -> None:
        assert not PAID & NOT_HONOURED
        assert {S.PENDING} | PAID | NOT_HONOURED == set(PaymentStatus)


class TestStatusAfterRefunds:
    @pytest.mark.parametrize(
        ("refunded", "status"),
        [
            (0, S.SUCCEEDED),
            (1, S.PARTIALLY_REFUNDED),
            (1449, S.PARTIALLY_REFUNDED),
            (1450, S.FULLY_REFUNDED),
        ],
    )
    def test_follows_what_has_been_refunded(self, refunded: int, status: PaymentStatus) -> None:
        assert status_after_refunds(1450, refunded) is status


class TestRefundable:
    def test_is_the_amount_less_refunded_and_pending_refunds(self) -> None:
        assert refundable(1450, 450, 0) == 1000
        assert refundable(1450, 450, 500) == 500
        assert refundable(1450, 1450, 0) == 0

    def test_is_never_negative(self) -> None:
        assert refundable(1450, 1000, 1000) == 0

    @pytest.mark.parametrize("status", sorted(REFUNDABLE))
    def test_a_refundable_payment_offers_what_is_left(self, status: PaymentStatus) -> None:
        paid = payment(status=status, amount_refunded=450, amount_refund_pending=200)
        assert paid.refundable == 800

    @pytest.mark.parametrize("status", sorted(set(PaymentStatus) - REFUNDABLE))
    def test_any_other_payment_offers_nothing(self, status: PaymentStatus) -> None:
        assert payment(status=status).refundable == 0

    def test_a_failed_payment_offers_nothing_of_its_amount(self) -> None:
        assert payment(status=S.FAILED, amount=5000).refundable == 0


class TestCheckoutAmount:
    def test_a_fixed_link_charges_its_amount(self) -> None:
        assert checkout_amount(payment_link(amount=1450), None) == 1450
        assert checkout_amount(payment_link(amount=1450), 1450) == 1450

    def test_a_fixed_link_refuses_another_amount(self) -> None:
        assert rejected(lambda: checkout_amount(payment_link(amount=1450), 1000)) == [
            ("amount", "This link has a fixed amount.")
        ]

    def test_a_variable_link_needs_an_amount(self) -> None:
        link = payment_link(amount_type=AmountType.VARIABLE, amount=None)
        assert rejected(lambda: checkout_amount(link, None)) == [("amount", "Enter an amount.")]

    @pytest.mark.parametrize("amount", [500, 1234, 2000])
    def test_a_variable_link_charges_an_amount_within_its_bounds(self, amount: int) -> None:
        link = payment_link(
            amount_type=AmountType.VARIABLE, amount=None, min_amount=500, max_amount=2000
        )
        assert checkout_amount(link, amount) == amount

    @pytest.mark.parametrize("amount", [0, 499, 2001])
    def test_a_variable_link_refuses_an_amount_outside_its_bounds(self, amount: int) -> None:
        link = payment_link(
            amount_type=AmountType.VARIABLE, amount=None, min_amount=500, max_amount=2000
        )
        assert rejected(lambda: checkout_amount(link, amount)) == [
            ("amount", "Enter an amount from 500 to 2000.")
        ]

    @pytest.mark.parametrize("amount", [1, MAX_AMOUNT])
    def test_an_unbounded_link_takes_1_to_the_largest_amount(self, amount: int) -> None:
        link = payment_link(amount_type=AmountType.VARIABLE, amount=None)
        assert checkout_amount(link, amount) == amount

    @pytest.mark.parametrize("amount", [-1, 0, MAX_AMOUNT + 1])
    def test_an_unbounded_link_refuses_any_other_amount(self, amount: int) -> None:
        link = payment_link(amount_type=AmountType.VARIABLE, amount=None)
        assert rejected(lambda: checkout_amount(link, amount)) == [
            ("amount", f"Enter an amount from 1 to {MAX_AMOUNT}.")
        ]

    def test_one_bound_leaves_the_other_at_its_default(self) -> None:
        link = payment_link(amount_type=AmountType.VARIABLE, amount=None, min_amount=500)
        assert checkout_amount(link, MAX_AMOUNT) == MAX_AMOUNT
        assert rejected(lambda: checkout_amount(link, MAX_AMOUNT + 1)) == [
            ("amount", f"Enter an amount from 500 to {MAX_AMOUNT}.")
        ]


def asking(mode: FieldMode) -> CustomerFields:
    """A link's customer fields: every one in ``mode``."""
    return CustomerFields(business_name=mode, customer_name=mode, email=mode, phone=mode)


class TestValidateCustomer:
    FULL = Customer(
        business_name="  Analytical Engines Ltd ",
        customer_name="Ada Lovelace",
        email="Ada.Lovelace@EXAMPLE.com",
        phone="+1 650-253-0000",
    )

    def test_keeps_the_given_details_cleaned(self) -> None:
        link = payment_link(customer_fields=asking(FieldMode.OPTIONAL))
        assert validate_customer(link, self.FULL, "US") == Customer(
            business_name="Analytical Engines Ltd",
            customer_name="Ada Lovelace",
            email="Ada.Lovelace@example.com",
            phone="+16502530000",
        )

    def test_drops_the_fields_a_link_does_not_ask_for(self) -> None:
        link = payment_link(customer_fields=CustomerFields(email=FieldMode.OPTIONAL))
        assert validate_customer(link, self.FULL, "US") == Customer(
            email="Ada.Lovelace@example.com"
        )

    @pytest.mark.parametrize("value", [None, "", "   "])
    def test_an_optional_field_may_be_left_out(self, value: str | None) -> None:
        link = payment_link(customer_fields=asking(FieldMode.OPTIONAL))
        given = Customer(business_name=value, customer_name=value, email=value, phone=value)
        assert validate_customer(link, given, "GB") == Customer()

    @pytest.mark.parametrize("value", [None, "", "   "])
    def test_every_missing_required_field_is_named(self, value: str | None) -> None:
        link = payment_link(customer_fields=asking(FieldMode.REQUIRED))
        given = Customer(business_name=value, customer_name=value, email=value, phone=value)
        assert rejected(lambda: validate_customer(link, given, "GB")) == [
            (f"customer.{field}", "This field is required.")
            for field in ("business_name", "customer_name", "email", "phone")
        ]

    def test_names_are_at_most_the_limit(self) -> None:
        link = payment_link(customer_fields=asking(FieldMode.OPTIONAL))
        longest = "x" * NAME_MAX
        assert (
            validate_customer(link, Customer(customer_name=longest), "GB").customer_name == longest
        )
        given = Customer(business_name="x" * (NAME_MAX + 1), customer_name="y" * (NAME_MAX + 1))
        assert rejected(lambda: validate_customer(link, given, "GB")) == [
            ("customer.business_name", f"At most {NAME_MAX} characters."),
            ("customer.customer_name", f"At most {NAME_MAX} characters."),
        ]

    def test_a_bad_email_or_phone_says_what_is_wrong(self) -> None:
        link = payment_link(customer_fields=asking(FieldMode.OPTIONAL))
        given = Customer(email="ada.example.com", phone="650 253 0000")
        assert rejected(lambda: validate_customer(link, given, "GB")) == [
            ("customer.email", "An email address must have an @-sign."),
            (
                "customer.phone",
                "This is not a valid phone number: enter one such as 07400 123456, "
                "or one starting with +.",
            ),
        ]

    def test_a_phone_is_read_in_the_stores_country(self) -> None:
        link = payment_link(customer_fields=asking(FieldMode.OPTIONAL))
        given = Customer(phone="07911 123456")
        assert validate_customer(link, given, "GB").phone == "+447911123456"

    def test_a_disabled_field_is_not_checked(self) -> None:
        given = Customer(email="ada.example.com", phone="not a phone")
        assert validate_customer(payment_link(), given, "GB") == Customer()


def card(**fields: object) -> Card:
    """A valid card (expiring after ``NOW``), with the given fields changed."""
    values: dict[str, object] = {
        "number": "4242424242424242",
        "exp_month": 12,
        "exp_year": 2030,
        "cvc": "123",
    }
    values.update(fields)
    return msgspec.convert(values, Card)


class TestValidateCard:
    @pytest.mark.parametrize(
        ("number", "digits"),
        [
            ("4242424242424242", "4242424242424242"),
            ("4242 4242 4242 4242", "4242424242424242"),
            ("4242-4242-4242-4242", "4242424242424242"),
            ("378282246310005", "378282246310005"),
        ],
    )
    def test_returns_the_card_numbers_digits(self, number: str, digits: str) -> None:
        assert validate_card(card(number=number), NOW) == digits

    @pytest.mark.parametrize(
        "number",
        [
            "4242424242424241",  # fails the Luhn check
            "42424242424",  # too short
            "42424242424242424242",  # too long
            "4242x42424242424",
            "４２４２４２４２４２４２４２４２",  # digits, but not ASCII ones
            "",
        ],
    )
    def test_refuses_a_number_that_is_not_a_card_number(self, number: str) -> None:
        assert rejected(lambda: validate_card(card(number=number), NOW)) == [
            ("card.number", "This card number is not valid.")
        ]

    @pytest.mark.parametrize("month", [0, 13])
    def test_the_month_is_1_to_12(self, month: int) -> None:
        assert rejected(lambda: validate_card(card(exp_month=month), NOW)) == [
            ("card.exp_month", "Enter a month from 1 to 12.")
        ]

    def test_a_card_is_valid_until_the_end_of_its_month(self) -> None:
        assert validate_card(card(exp_month=1, exp_year=2026), NOW)
        assert rejected(lambda: validate_card(card(exp_month=12, exp_year=2025), NOW)) == [
            ("card.exp_year", "This card has expired.")
        ]

    def test_the_year_is_at_most_30_years_on(self) -> None:
        assert validate_card(card(exp_year=2056), NOW)
        assert rejected(lambda: validate_card(card(exp_year=2057), NOW)) == [
            ("card.exp_year", "Enter the expiry year printed on the card.")
        ]

    @pytest.mark.parametrize("cvc", ["123", "1234"])
    def test_the_security_code_is_3_or_4_digits(self, cvc: str) -> None:
        assert validate_card(card(cvc=cvc), NOW)

    @pytest.mark.parametrize("cvc", ["12", "12345", "12a", "１２３", ""])
    def test_refuses_any_other_security_code(self, cvc: str) -> None:
        assert rejected(lambda: validate_card(card(cvc=cvc), NOW)) == [
            ("card.cvc", "Enter the 3-digit security code.")
        ]

    def test_names_every_field_at_fault(self) -> None:
        bad = card(number="1234", exp_month=13, cvc="1")
        assert [field for field, _ in rejected(lambda: validate_card(bad, NOW))] == [
            "card.number",
            "card.exp_month",
            "card.cvc",
        ]


class TestDetailsAreExact:
    def test_a_customer_has_only_its_four_details(self) -> None:
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert({"email": "ada@example.com", "age": 36}, Customer)

    def test_a_card_has_only_its_four_fields(self) -> None:
        with pytest.raises(msgspec.ValidationError):
            card(holder="Ada Lovelace")


class TestPaymentView:
    def test_shows_the_merchant_the_payment_and_what_is_left_to_refund(self) -> None:
        paid = payment(
            status=S.PARTIALLY_REFUNDED,
            reference="sbx_1",
            card_last4="4242",
            paid_at=NOW,
            amount_refunded=450,
            amount_refund_pending=200,
        )
        shown = msgspec.to_builtins(paid)
        for internal in ("store_id", "hold_expires_at", "amount_refund_pending", "locale"):
            del shown[internal]
        assert msgspec.to_builtins(to_payment_view(paid)) == {**shown, "amount_refundable": 800}

    def test_a_payment_not_refundable_shows_nothing_refundable(self) -> None:
        assert to_payment_view(payment(status=S.CANCELED)).amount_refundable == 0
