"""Money as integer minor units, with each currency's own exponent.

Amounts are never floats: they are parsed from decimal strings and formatted only at the
edges, with babel's currency data (JPY has 0 decimals, GBP 2, KWD 3).
"""

import re
import unicodedata
from decimal import Decimal
from functools import cache

from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    list_currencies,
)

#: The largest amount accepted anywhere: fits a signed 64-bit column with room for totals.
MAX_AMOUNT = 10**15


#: ASCII digits only (``Decimal`` would also take "1_000", "1e3" and other scripts' digits).
_PLAIN_DECIMAL = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")


class MoneyError(ValueError):
    """A currency code or an amount that cannot be used."""


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currencies() -> list[str]:
    """Every ISO 4217 code a store may use, in order."""
    return sorted(_currencies())


def normalize_currency(code: str) -> str:
    """The ISO 4217 code in upper case, or MoneyError when babel does not know it."""
    upper = code.strip().upper()
    if len(upper) != 3 or upper not in _currencies():
        raise MoneyError(f"'{code}' is not an ISO 4217 currency code.")
    return upper


@cache
def exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has."""
    return int(get_currency_precision(normalize_currency(currency)))


def parse_amount(text: str, currency: str) -> int:
    """Parse a decimal string in major units into minor units, exactly.

    ``"12.5"`` GBP is 1250; ``"100"`` JPY is 100; ``"1.001"`` GBP is an error.
    """
    match = _PLAIN_DECIMAL.fullmatch(text.strip())
    if match is None:
        if text.strip().startswith("-"):
            raise MoneyError("The amount cannot be negative.")
        raise MoneyError(f"'{text}' is not a plain decimal amount such as 12.50.")
    places = exponent(currency)
    whole, fraction = match["whole"].lstrip("0"), match["fraction"] or ""
    if len(whole) > len(str(MAX_AMOUNT)):
        raise MoneyError("The amount is too large.")
    if len(fraction.rstrip("0")) > places:
        raise MoneyError(f"{currency} amounts have at most {places} decimal places.")
    # Whole digits and fraction digits put together: exact, no rounding anywhere.
    amount = int(whole or "0") * int(10**places) + int(fraction[:places].ljust(places, "0") or "0")
    if amount > MAX_AMOUNT:
        raise MoneyError("The amount is too large.")
    return amount


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units as an exact Decimal in major units."""
    return Decimal(amount).scaleb(-exponent(currency))


#: CLDR's currencySpacing: between a currency symbol that does not end (or start) in a
#: symbol character and an adjacent digit goes a no-break space ("KWD 12.345", "£12.50").
_SPACE = "\u00a0"


def _letter_like(char: str) -> bool:
    return not unicodedata.category(char).startswith(("S", "Z"))


def _spaced(text: str, symbol: str) -> str:
    """``text`` with CLDR's currency spacing, which babel's formatting leaves out."""
    if not symbol:
        return text
    start = text.find(symbol)
    if start < 0:
        return text
    end = start + len(symbol)
    if end < len(text) and text[end].isdigit() and _letter_like(symbol[-1]):
        text = text[:end] + _SPACE + text[end:]
    if start > 0 and text[start - 1].isdigit() and _letter_like(symbol[0]):
        text = text[:start] + _SPACE + text[start:]
    return text


def format_amount(amount: int, currency: str, locale: str = "en_GB") -> str:
    """The amount for people, e.g. ``£12.50``, ``¥100``, ``KWD 12.345`` or ``12,50 €``."""
    text = str(format_currency(to_decimal(amount, currency), currency, locale=locale))
    return _spaced(text, str(get_currency_symbol(currency, locale=locale)))


def amount_placeholder(currency: str, locale: str = "en_GB") -> str:
    """Zero with the currency's decimals in the locale's notation: ``0`` (JPY), ``0.00``
    (GBP), ``0.000`` (KWD), ``0,00`` (EUR in German)."""
    places = exponent(currency)
    return str(
        format_decimal(
            Decimal(0).scaleb(-places), format="0." + "0" * places if places else "0", locale=locale
        )
    )


def format_plain(amount: int, currency: str) -> str:
    """Major units with exactly the currency's decimals and no symbol, e.g. ``12.50``."""
    places = exponent(currency)
    return f"{to_decimal(amount, currency):.{places}f}"
