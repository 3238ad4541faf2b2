"""Money: exact parsing of decimal strings into minor units, and formatting at the edges."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylinks.money import (
    MAX_AMOUNT,
    MoneyError,
    amount_placeholder,
    exponent,
    format_amount,
    format_plain,
    normalize_currency,
    parse_amount,
    to_decimal,
)

CURRENCIES = ["GBP", "JPY", "KWD", "USD", "EUR"]


class TestParseAmount:
    @pytest.mark.parametrize(
        ("text", "currency", "expected"),
        [
            ("12.5", "GBP", 1250),
            ("12.50", "GBP", 1250),
            ("12", "GBP", 1200),
            (" 12.5 ", "GBP", 1250),
            ("0.01", "GBP", 1),
            ("0", "GBP", 0),
            ("100", "JPY", 100),
            ("1.234", "KWD", 1234),
            ("0.001", "KWD", 1),
            ("12.5", "gbp", 1250),
        ],
    )
    def test_parses_into_minor_units(self, text: str, currency: str, expected: int) -> None:
        assert parse_amount(text, currency) == expected

    @pytest.mark.parametrize(
        ("text", "currency"),
        [("1.001", "GBP"), ("1.5", "JPY"), ("0.1", "JPY"), ("1.2345", "KWD")],
    )
    def test_rejects_more_decimals_than_the_currency_has(self, text: str, currency: str) -> None:
        with pytest.raises(MoneyError, match="decimal places"):
            parse_amount(text, currency)

    @pytest.mark.parametrize("text", ["-1", "-0.01", " -5"])
    def test_rejects_negative_amounts(self, text: str) -> None:
        with pytest.raises(MoneyError, match="negative"):
            parse_amount(text, "GBP")

    @pytest.mark.parametrize(
        "text",
        [
            "1e3",
            "1E3",
            "1e-2",
            "NaN",
            "nan",
            "sNaN",
            "Infinity",
            "-Infinity",
            "inf",
            "",
            "   ",
            "abc",
            "12.5.3",
            "£12",
            "12,50",
            "1,000",
            "+5",
            "0x10",
            "12 50",
        ],
    )
    def test_rejects_anything_but_a_plain_decimal(self, text: str) -> None:
        with pytest.raises(MoneyError):
            parse_amount(text, "GBP")

    @pytest.mark.parametrize("text", ["1_000", "1_0.00", "١٢", "１２"])
    def test_rejects_digit_separators_and_non_ascii_digits(self, text: str) -> None:
        # Python's Decimal accepts these; a money field should not.
        with pytest.raises(MoneyError):
            parse_amount(text, "GBP")

    def test_rejects_extra_decimals_hidden_beyond_decimal_precision(self) -> None:
        # 30 significant digits: more than the default Decimal context keeps (28).
        with pytest.raises(MoneyError):
            parse_amount("1.00000000000000000000000000001", "GBP")

    def test_accepts_the_largest_amount(self) -> None:
        assert parse_amount("10000000000000.00", "GBP") == MAX_AMOUNT
        assert parse_amount(str(MAX_AMOUNT), "JPY") == MAX_AMOUNT

    @pytest.mark.parametrize(
        ("text", "currency"),
        [
            ("10000000000000.01", "GBP"),
            (str(MAX_AMOUNT + 1), "JPY"),
            ("1" + "0" * 40, "GBP"),
        ],
    )
    def test_rejects_amounts_over_the_maximum(self, text: str, currency: str) -> None:
        with pytest.raises(MoneyError, match="too large"):
            parse_amount(text, currency)

    def test_rejects_an_unknown_currency(self) -> None:
        with pytest.raises(MoneyError):
            parse_amount("1", "ZZZ")

    def test_money_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError):
            parse_amount("abc", "GBP")


class TestNormalizeCurrency:
    @pytest.mark.parametrize(
        ("code", "expected"),
        [("GBP", "GBP"), ("gbp", "GBP"), (" usd ", "USD"), ("Jpy", "JPY"), ("kwd", "KWD")],
    )
    def test_returns_the_upper_case_code(self, code: str, expected: str) -> None:
        assert normalize_currency(code) == expected

    @pytest.mark.parametrize("code", ["ZZZ", "ABC", "", "GB", "GBPX", "£", "12 "])
    def test_rejects_unknown_codes(self, code: str) -> None:
        with pytest.raises(MoneyError, match="ISO 4217"):
            normalize_currency(code)


class TestExponent:
    @pytest.mark.parametrize(
        ("currency", "places"),
        [("GBP", 2), ("USD", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3), ("gbp", 2)],
    )
    def test_uses_the_currency_own_decimals(self, currency: str, places: int) -> None:
        assert exponent(currency) == places


class TestFormatting:
    @pytest.mark.parametrize(
        ("amount", "currency", "expected"),
        [
            (1250, "GBP", "12.50"),
            (5, "GBP", "0.05"),
            (0, "GBP", "0.00"),
            (100, "JPY", "100"),
            (1234, "KWD", "1.234"),
            (1, "KWD", "0.001"),
            (MAX_AMOUNT, "GBP", "10000000000000.00"),
            (MAX_AMOUNT - 1, "GBP", "9999999999999.99"),
        ],
    )
    def test_format_plain_has_exactly_the_currency_decimals(
        self, amount: int, currency: str, expected: str
    ) -> None:
        assert format_plain(amount, currency) == expected

    def test_format_amount_for_people(self) -> None:
        assert format_amount(1250, "GBP") == "£12.50"
        assert format_amount(123456, "GBP") == "£1,234.56"

    def test_format_amount_uses_no_decimals_for_jpy(self) -> None:
        text = format_amount(100, "JPY")
        assert "¥" in text
        assert text.endswith("100")
        assert "." not in text

    def test_format_amount_uses_three_decimals_for_kwd(self) -> None:
        assert format_amount(1234, "KWD").endswith("1.234")

    def test_format_amount_follows_the_locale(self) -> None:
        text = format_amount(123456, "EUR", locale="de_DE")
        assert "1.234,56" in text
        assert "€" in text

    def test_to_decimal_is_exact(self) -> None:
        assert to_decimal(1250, "GBP") == Decimal("12.50")
        assert to_decimal(MAX_AMOUNT - 1, "KWD") == Decimal("999999999999.999")
        assert to_decimal(7, "JPY") == Decimal(7)


class TestProperties:
    @given(amount=st.integers(0, MAX_AMOUNT), currency=st.sampled_from(CURRENCIES))
    def test_parse_of_format_plain_round_trips(self, amount: int, currency: str) -> None:
        assert parse_amount(format_plain(amount, currency), currency) == amount

    @given(amount=st.integers(0, MAX_AMOUNT), currency=st.sampled_from(CURRENCIES))
    def test_format_plain_keeps_every_digit(self, amount: int, currency: str) -> None:
        places = exponent(currency)
        text = format_plain(amount, currency)
        pattern = r"\d+" if places == 0 else rf"\d+\.\d{{{places}}}"
        assert re.fullmatch(pattern, text)
        assert int(text.replace(".", "")) == amount

    @given(amount=st.integers(0, MAX_AMOUNT), currency=st.sampled_from(CURRENCIES))
    def test_format_amount_keeps_every_digit(self, amount: int, currency: str) -> None:
        # Floats would lose the last cents of large amounts; the digits shown must be exact.
        digits = re.sub(r"\D", "", format_amount(amount, currency))
        assert digits == str(amount).zfill(exponent(currency) + 1)


class TestCurrencySpacing:
    """CLDR's currencySpacing, which babel leaves out: a code is set off from the number."""

    @pytest.mark.parametrize(
        ("amount", "currency", "locale", "text"),
        [
            (12345, "KWD", "en_GB", "KWD\u00a012.345"),
            (1450, "CHF", "en_GB", "CHF\u00a014.50"),
            (1450, "SEK", "en_US", "SEK\u00a014.50"),
            (1450, "GBP", "en_GB", "£14.50"),
            (1450, "USD", "en_US", "$14.50"),
            (100, "JPY", "en_GB", "JP¥100"),
            (1450, "EUR", "de_DE", "14,50\u00a0€"),
            (12345, "KWD", "de_DE", "12,345\u00a0KWD"),
        ],
    )
    def test_a_code_never_touches_the_number(
        self, amount: int, currency: str, locale: str, text: str
    ) -> None:
        assert format_amount(amount, currency, locale) == text

    def test_every_currency_is_spaced_from_its_digits(self) -> None:
        from babel.numbers import list_currencies

        for currency in sorted(list_currencies()):
            text = format_amount(150, currency)
            assert not re.search(r"[A-Za-z][0-9]|[0-9][A-Za-z]", text), text


@pytest.mark.parametrize(
    ("currency", "locale", "placeholder"),
    [
        ("JPY", "en_GB", "0"),
        ("GBP", "en_GB", "0.00"),
        ("KWD", "en_GB", "0.000"),
        ("EUR", "de_DE", "0,00"),
        ("KWD", "fr_FR", "0,000"),
    ],
)
def test_the_placeholder_has_the_currencys_decimals(
    currency: str, locale: str, placeholder: str
) -> None:
    assert amount_placeholder(currency, locale) == placeholder
