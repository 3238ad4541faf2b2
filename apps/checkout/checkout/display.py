"""Amounts for people: the store's currency, in the customer's locale when babel knows it.

The API keeps amounts in minor units; they are formatted only here, with ``paylinks.money``.
"""

from babel.localedata import exists
from babel.numbers import get_currency_symbol

from checkout import i18n
from paylinks import locales
from paylinks.money import MAX_AMOUNT, format_amount

DEFAULT_LOCALE = "en_GB"


def number_locale(lang: str, country: str) -> str:
    """The locale numbers and money are written in: the page's language as spoken in the
    store's country when CLDR has that (``de_CH``, ``fr_BE``), else the language alone."""
    regional = f"{lang}_{country.upper()}"
    return regional if country and exists(regional) else lang


def money(amount: int, currency: str, locale: str) -> str:
    """``£14.50``, ``¥100``, ``14,50 €``: exact, from minor units."""
    return format_amount(amount, currency, locale)


def currency_symbol(currency: str, locale: str) -> str:
    return str(get_currency_symbol(currency, locale=locale))


def bounds_hint(
    min_amount: int | None,
    max_amount: int | None,
    currency: str,
    locale: str,
    texts: dict[str, str] | None = None,
) -> str:
    """What a variable link accepts, in words (``texts``: the page's, in its language)."""
    words = texts or i18n.texts(locales.DEFAULT)
    low = min_amount or None
    high = max_amount if max_amount and max_amount < MAX_AMOUNT else None
    if low and high:
        return words["between"].format(
            low=money(low, currency, locale), high=money(high, currency, locale)
        )
    if low:
        return words["at_least"].format(low=money(low, currency, locale))
    if high:
        return words["up_to"].format(high=money(high, currency, locale))
    return words["any_amount"]


def retry_text(seconds: int, t: dict[str, str]) -> str:
    """When the customer may try again, in words a person reads at a glance (``t``: the
    page's texts)."""
    if seconds <= 0:
        return t["retry_now"]
    if seconds == 1:
        return t["retry_in_a_second"]
    if seconds < 90:
        return t["retry_in_seconds"].format(seconds=seconds)
    return t["retry_in_minutes"].format(minutes=(seconds + 59) // 60)
