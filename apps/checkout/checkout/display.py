"""Amounts for people: the store's currency, in the customer's locale when babel knows it.

The API keeps amounts in minor units; they are formatted only here, with ``paylinks.money``.
"""

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_symbol

from paylinks.money import MAX_AMOUNT, format_amount

DEFAULT_LOCALE = "en_GB"

#: Where a browser names no language babel knows: a locale that writes the currency natively.
_CURRENCY_LOCALES = {
    "GBP": "en_GB",
    "USD": "en_US",
    "EUR": "en_IE",
    "JPY": "ja_JP",
    "KWD": "en_KW",
    "CAD": "en_CA",
    "AUD": "en_AU",
    "CHF": "de_CH",
    "INR": "en_IN",
}


def _known(tag: str) -> str | None:
    try:
        return str(Locale.parse(tag.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def choose_locale(accept_language: str, currency: str) -> str:
    """The first language of the browser's ``Accept-Language`` that babel knows (by ``q``),
    else a locale usual for the currency, else en_GB."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        if (locale := _known(tag)) is not None:
            return locale
    return _CURRENCY_LOCALES.get(currency.upper(), DEFAULT_LOCALE)


def money(amount: int, currency: str, locale: str) -> str:
    """``£14.50``, ``¥100``, ``14,50 €``: exact, from minor units."""
    return format_amount(amount, currency, locale)


def currency_symbol(currency: str, locale: str) -> str:
    return str(get_currency_symbol(currency, locale=locale))


def bounds_hint(min_amount: int | None, max_amount: int | None, currency: str, locale: str) -> str:
    """What a variable link accepts, in words."""
    low = min_amount or None
    high = max_amount if max_amount and max_amount < MAX_AMOUNT else None
    if low and high:
        return f"Between {money(low, currency, locale)} and {money(high, currency, locale)}"
    if low:
        return f"At least {money(low, currency, locale)}"
    if high:
        return f"Up to {money(high, currency, locale)}"
    return "Enter the amount you want to pay"


def retry_text(seconds: int) -> str:
    """When the customer may try again, in words a person reads at a glance."""
    if seconds <= 0:
        return "You can try again now."
    if seconds < 90:
        return f"You can try again in {seconds} second{'s' if seconds > 1 else ''}."
    minutes = (seconds + 59) // 60
    return f"You can try again in about {minutes} minutes."
