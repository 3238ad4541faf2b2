"""The checkout form's rules, pure: the amount a customer types, the customer fields by
their mode, and a first check of the test card before a payment holds a place on a link.

The API checks everything again; these rules give the customer an answer at once, in
words about major units, and keep a card that cannot work from reserving the last slot.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import get_currency_symbol, get_group_symbol

from checkout.display import money
from paylinks.i18n import N_
from paylinks.money import MAX_AMOUNT, MoneyError, exponent, parse_amount
from paylinks.payments.model import CUSTOMER_FIELDS, luhn_valid

CARD_FIELDS = ("card_number", "expiry", "cvc")
#: The order fields appear in, for focusing the first one at fault.
FORM_ORDER = ("amount", *CUSTOMER_FIELDS, *CARD_FIELDS)

DISABLED, OPTIONAL, REQUIRED = "disabled", "optional", "required"

_MISSING = {
    "business_name": N_("Enter your business name."),
    "customer_name": N_("Enter your name."),
    "email": N_("Enter your email address."),
    "phone": N_("Enter your phone number."),
}
MAX_TEXT = 120
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_DIGITS = re.compile(r"[0-9]+")


class AmountError(ValueError):
    """An amount the customer typed that cannot be charged; the message is for them."""


def _ungroup(text: str, separator: str) -> str:
    """``1,250,000`` → ``1250000``, only when every group after the first has 3 digits."""
    groups = text.split(separator)
    if not (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])):
        raise AmountError(N_("Enter the amount as digits, like 1250.50."))
    return "".join(groups)


def normalize_amount_text(text: str, currency: str, locale: str = "en_GB") -> str:
    """What a person types (``£1,250.50``, ``1.250,50``, ``12,5``) as a plain decimal string
    (``1250.50``, ``12.5``). A lone separator with three digits after it groups thousands
    only where it cannot be a decimal point: in a currency without decimals, or when it is
    the customer's locale's grouping symbol (``1,250`` in English, ``1.250`` in German)."""
    cleaned = _SPACES.sub("", text)
    for mark in {currency.upper(), str(get_currency_symbol(currency, locale="en")), "$", "€", "£"}:
        cleaned = cleaned.replace(mark, "")
    if not cleaned:
        raise AmountError(N_("Enter an amount."))
    if cleaned.startswith("-"):
        raise AmountError(N_("Enter an amount greater than zero."))
    if not re.fullmatch(r"[0-9.,]+", cleaned) or not re.search(r"[0-9]", cleaned):
        raise AmountError(N_("Enter the amount as digits, like 12.50."))
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = cleaned.rpartition(decimal)
        if group in fraction or not fraction:
            raise AmountError(N_("Enter the amount as digits, like 1250.50."))
        return f"{_ungroup(whole, group)}.{fraction}"
    separator = "," if commas else "." if dots else ""
    if not separator:
        return cleaned
    count = commas or dots
    whole, _, fraction = cleaned.rpartition(separator)
    if count > 1:
        return _ungroup(cleaned, separator)
    if not fraction:
        return whole  # "12." is 12
    places = exponent(currency)
    grouping = places == 0 or (places != 3 and separator == get_group_symbol(locale))
    if len(fraction) == 3 and grouping and whole and not whole.startswith("0"):
        return _ungroup(cleaned, separator)
    return f"{whole or '0'}.{fraction}"


def parse_major(text: str, currency: str, locale: str = "en_GB") -> int:
    """The typed amount in the currency's minor units, exactly (no floats anywhere)."""
    plain = normalize_amount_text(text, currency, locale)
    try:
        amount = parse_amount(plain, currency)
    except MoneyError as error:
        message = str(error)
        if "decimal places" in message:
            places = exponent(currency)
            raise AmountError(
                N_("{currency} amounts have no decimals.").format(currency=currency)
                if places == 0
                else N_("Use at most {places} decimal places.").format(places=places)
            ) from None
        if "too large" in message:
            raise AmountError(N_("That amount is too large.")) from None
        raise AmountError(N_("Enter the amount as digits, like 12.50.")) from None
    if amount <= 0:
        raise AmountError(N_("Enter an amount greater than zero."))
    return amount


def bounds_error(
    currency: str, min_amount: int | None, max_amount: int | None, locale: str, amount: int = 0
) -> str:
    """What to enter instead of an amount outside a variable link's bounds."""
    low, high = min_amount or 1, max_amount or MAX_AMOUNT
    shown = {"low": money(low, currency, locale), "high": money(high, currency, locale)}
    if min_amount and max_amount:
        return N_("Enter an amount between {low} and {high}.").format(**shown)
    if max_amount and amount > high:
        return N_("Enter at most {high}.").format(**shown)
    if min_amount:
        return N_("Enter at least {low}.").format(**shown)
    return N_("Enter at most {high}.").format(**shown)


def check_amount(
    text: str, currency: str, min_amount: int | None, max_amount: int | None, locale: str
) -> int:
    """The amount to charge on a variable link, within its bounds, or AmountError."""
    amount = parse_major(text, currency, locale)
    if (min_amount or 1) <= amount <= (max_amount or MAX_AMOUNT):
        return amount
    raise AmountError(bounds_error(currency, min_amount, max_amount, locale, amount))


def customer_errors(modes: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """Required fields present and short enough; the API checks email and phone again."""
    errors: dict[str, str] = {}
    for name in CUSTOMER_FIELDS:
        mode = modes.get(name, DISABLED)
        value = values.get(name, "").strip()
        if mode == DISABLED:
            continue
        if not value:
            if mode == REQUIRED:
                errors[name] = _MISSING[name]
        elif len(value) > MAX_TEXT:
            errors[name] = N_("Use at most {count} characters.").format(count=MAX_TEXT)
        elif name == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            errors[name] = N_("Enter an email address like name@example.com.")
    return errors


def customer_payload(modes: dict[str, str], values: dict[str, str]) -> dict[str, str | None]:
    """The ``customer`` object of the API: the enabled fields, blanks as null."""
    return {
        name: (values.get(name, "").strip() or None)
        for name in CUSTOMER_FIELDS
        if modes.get(name, DISABLED) != DISABLED
    }


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "exp_month": self.exp_month,
            "exp_year": self.exp_year,
            "cvc": self.cvc,
        }


def parse_expiry(text: str, today: date) -> tuple[int, int]:
    """``12/30``, ``12 / 2030``, ``1230`` → (12, 2030); ValueError with a message."""
    parts = _DIGITS.findall(text)
    if len(parts) == 1 and len(parts[0]) in (4, 6):
        parts = [parts[0][:2], parts[0][2:]]
    if len(parts) != 2 or not parts[0] or len(parts[1]) not in (2, 4):
        raise ValueError(N_("Enter the expiry date as MM / YY."))
    month, year = int(parts[0]), int(parts[1])
    if len(parts[1]) == 2:
        year += today.year // 100 * 100
    if not 1 <= month <= 12:
        raise ValueError(N_("Enter a month from 01 to 12."))
    if (year, month) < (today.year, today.month):
        raise ValueError(N_("This card has expired."))
    if year > today.year + 30:
        raise ValueError(N_("Enter the expiry date printed on the card."))
    return month, year


def parse_card(
    number: str, expiry: str, cvc: str, today: date
) -> tuple[Card | None, dict[str, str]]:
    """The card, or the errors by field (``card_number``, ``expiry``, ``cvc``)."""
    errors: dict[str, str] = {}
    digits = re.sub(r"[\s-]", "", number)
    if not digits:
        errors["card_number"] = N_("Enter your card number.")
    elif not (digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19):
        errors["card_number"] = N_("Enter the card number as printed on the card.")
    elif not luhn_valid(digits):
        errors["card_number"] = N_("This card number is not valid: check it and try again.")
    month = year = 0
    if not expiry.strip():
        errors["expiry"] = N_("Enter the expiry date.")
    else:
        try:
            month, year = parse_expiry(expiry, today)
        except ValueError as error:
            errors["expiry"] = str(error)
    code = cvc.strip()
    if not code:
        errors["cvc"] = N_("Enter the security code.")
    elif not (code.isascii() and code.isdigit() and len(code) in (3, 4)):
        errors["cvc"] = N_("Enter the 3 or 4 digits on the back of the card.")
    if errors:
        return None, errors
    return Card(digits, month, year, code), {}


#: The API's field names (``customer.email``, ``card.exp_year``) as the form's.
_API_FIELDS = {
    "amount": "amount",
    **{f"customer.{name}": name for name in CUSTOMER_FIELDS},
    "card.number": "card_number",
    "card.exp_month": "expiry",
    "card.exp_year": "expiry",
    "card.cvc": "cvc",
    "card": "card_number",
}


def form_errors(api_errors: dict[str, str]) -> dict[str, str]:
    """The API's validation errors by form field; anything else under ``form``."""
    errors: dict[str, str] = {}
    for field, message in api_errors.items():
        errors.setdefault(_API_FIELDS.get(field, "form"), message)
    return errors


def first_error(errors: dict[str, str]) -> str | None:
    """The field at fault that comes first on the page."""
    for name in FORM_ORDER:
        if name in errors:
            return name
    return None
