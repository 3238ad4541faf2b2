"""The checkout form's pure rules: amounts typed in major units, customer fields, cards."""

from datetime import date

import pytest
from checkout import forms
from checkout.forms import AmountError

TODAY = date(2026, 6, 15)


class TestAmounts:
    @pytest.mark.parametrize(
        ("typed", "currency", "minor"),
        [
            ("12.50", "GBP", 1250),
            ("12.5", "GBP", 1250),
            ("12,50", "GBP", 1250),
            ("12", "GBP", 1200),
            ("12.", "GBP", 1200),
            (".5", "GBP", 50),
            ("£1,234.56", "GBP", 123456),
            ("1.234,56", "EUR", 123456),
            ("1 234,56 €", "EUR", 123456),
            ("1,250", "GBP", 125000),
            ("1.250.000", "EUR", 125000000),
            ("100", "JPY", 100),
            ("1,500", "JPY", 1500),
            ("1.500", "KWD", 1500),
            ("0.001", "KWD", 1),
            ("0.10", "GBP", 10),
            ("0.30", "GBP", 30),
            ("19.99", "USD", 1999),
        ],
    )
    def test_are_converted_exactly_with_the_currencys_exponent(
        self, typed: str, currency: str, minor: int
    ) -> None:
        assert forms.parse_major(typed, currency) == minor

    @pytest.mark.parametrize(
        ("typed", "currency", "message"),
        [
            ("", "GBP", "Enter an amount."),
            ("   ", "GBP", "Enter an amount."),
            ("-5", "GBP", "Enter an amount greater than zero."),
            ("0", "GBP", "Enter an amount greater than zero."),
            ("0.00", "GBP", "Enter an amount greater than zero."),
            ("abc", "GBP", "Enter the amount as digits, like 12.50."),
            ("1e3", "GBP", "Enter the amount as digits, like 12.50."),
            ("12.345", "GBP", "Use at most 2 decimal places."),
            ("0.001", "GBP", "Use at most 2 decimal places."),
            ("12.5", "JPY", "JPY amounts have no decimals."),
            ("1,2,3", "GBP", "Enter the amount as digits, like 1250.50."),
            ("9" * 30, "GBP", "That amount is too large."),
        ],
    )
    def test_that_cannot_be_charged_say_why(self, typed: str, currency: str, message: str) -> None:
        with pytest.raises(AmountError) as raised:
            forms.parse_major(typed, currency)
        assert str(raised.value) == message

    @pytest.mark.parametrize(
        ("typed", "locale", "minor"),
        [
            ("1.250", "de_DE", 125000),
            ("1,250", "de_DE", 125),
            ("1,250", "en_GB", 125000),
            ("1.250", "en_GB", 125),
        ],
    )
    def test_a_lone_separator_groups_thousands_only_in_the_customers_locale(
        self, typed: str, locale: str, minor: int
    ) -> None:
        assert forms.parse_major(typed, "EUR", locale) == minor

    def test_three_decimals_where_two_are_allowed_are_refused(self) -> None:
        with pytest.raises(AmountError, match="decimal places"):
            forms.parse_major("1.255", "EUR", "en_GB")

    def test_within_bounds_are_accepted_at_both_ends(self) -> None:
        assert forms.check_amount("5", "GBP", 500, 50000, "en_GB") == 500
        assert forms.check_amount("500", "GBP", 500, 50000, "en_GB") == 50000

    @pytest.mark.parametrize(
        ("typed", "low", "high", "message"),
        [
            ("4.99", 500, 50000, "Enter an amount between £5.00 and £500.00."),
            ("500.01", 500, 50000, "Enter an amount between £5.00 and £500.00."),
            ("4.99", 500, None, "Enter at least £5.00."),
            ("20.01", None, 2000, "Enter at most £20.00."),
        ],
    )
    def test_out_of_bounds_name_the_bounds_in_money(
        self, typed: str, low: int | None, high: int | None, message: str
    ) -> None:
        with pytest.raises(AmountError) as raised:
            forms.check_amount(typed, "GBP", low, high, "en_GB")
        assert str(raised.value) == message

    def test_bounds_are_formatted_in_the_customers_locale(self) -> None:
        with pytest.raises(AmountError) as raised:
            forms.check_amount("1", "EUR", 500, 50000, "de_DE")
        assert str(raised.value) == "Enter an amount between 5,00\xa0€ and 500,00\xa0€."


class TestCustomerFields:
    MODES = {
        "business_name": "disabled",
        "customer_name": "optional",
        "email": "required",
        "phone": "required",
    }

    def test_required_ones_must_be_filled(self) -> None:
        errors = forms.customer_errors(self.MODES, {"email": " ", "phone": ""})
        assert errors == {
            "email": "Enter your email address.",
            "phone": "Enter your phone number.",
        }

    def test_optional_and_disabled_ones_may_be_blank(self) -> None:
        values = {"email": "ann@example.com", "phone": "+44 20 7946 0000"}
        assert forms.customer_errors(self.MODES, values) == {}

    def test_an_email_must_look_like_one(self) -> None:
        errors = forms.customer_errors(self.MODES, {"email": "ann", "phone": "1"})
        assert errors == {"email": "Enter an email address like name@example.com."}

    def test_long_values_are_refused(self) -> None:
        values = {"customer_name": "x" * 121, "email": "a@b.co", "phone": "1"}
        assert forms.customer_errors(self.MODES, values) == {
            "customer_name": "Use at most 120 characters."
        }

    def test_the_payload_holds_enabled_fields_only_blanks_as_null(self) -> None:
        values = {"business_name": "Acme", "customer_name": "  ", "email": " a@b.co ", "phone": "1"}
        assert forms.customer_payload(self.MODES, values) == {
            "customer_name": None,
            "email": "a@b.co",
            "phone": "1",
        }


class TestCards:
    def test_a_test_card_is_read_with_spaces_and_a_short_year(self) -> None:
        card, errors = forms.parse_card("4242 4242 4242 4242", "12 / 30", "123", TODAY)
        assert errors == {}
        assert card is not None
        assert card.payload() == {
            "number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 2030,
            "cvc": "123",
        }

    @pytest.mark.parametrize(
        ("typed", "month_year"),
        [("12/30", (12, 2030)), ("1230", (12, 2030)), ("06/2026", (6, 2026)), ("7-27", (7, 2027))],
    )
    def test_expiry_dates_in_the_usual_shapes(
        self, typed: str, month_year: tuple[int, int]
    ) -> None:
        assert forms.parse_expiry(typed, TODAY) == month_year

    @pytest.mark.parametrize(
        ("number", "expiry", "cvc", "errors"),
        [
            ("", "", "", {"card_number", "expiry", "cvc"}),
            ("4242 4242 4242 4241", "12/30", "123", {"card_number"}),
            ("4242", "12/30", "123", {"card_number"}),
            ("4242 4242 4242 4242", "13/30", "123", {"expiry"}),
            ("4242 4242 4242 4242", "05/26", "123", {"expiry"}),
            ("4242 4242 4242 4242", "12/99", "123", {"expiry"}),
            ("4242 4242 4242 4242", "12/30", "12", {"cvc"}),
            ("4242 4242 4242 4242", "12/30", "12a", {"cvc"}),
        ],
    )
    def test_problems_are_named_by_field(
        self, number: str, expiry: str, cvc: str, errors: set[str]
    ) -> None:
        card, found = forms.parse_card(number, expiry, cvc, TODAY)
        assert card is None
        assert set(found) == errors

    def test_an_expired_card_says_so(self) -> None:
        _, errors = forms.parse_card("4242424242424242", "05/26", "123", TODAY)
        assert errors == {"expiry": "This card has expired."}


class TestApiErrors:
    def test_the_apis_fields_map_to_the_forms(self) -> None:
        api_errors = {
            "customer.email": "Bad email.",
            "card.exp_year": "Expired.",
            "card.number": "Bad number.",
            "amount": "Out of range.",
            "something": "Else.",
        }
        assert forms.form_errors(api_errors) == {
            "email": "Bad email.",
            "expiry": "Expired.",
            "card_number": "Bad number.",
            "amount": "Out of range.",
            "form": "Else.",
        }

    def test_the_first_field_at_fault_is_the_first_on_the_page(self) -> None:
        assert forms.first_error({"cvc": "x", "email": "y"}) == "email"
        assert forms.first_error({"cvc": "x", "amount": "y"}) == "amount"
        assert forms.first_error({}) is None
