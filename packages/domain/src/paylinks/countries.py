"""Countries (ISO 3166-1 alpha-2) from babel's CLDR data: which codes are countries, and
which country a store of a currency most likely is in (the default given to stores made
before stores had a country)."""

from functools import cache

from babel import Locale
from babel.core import get_global

#: CLDR territory codes of two letters that are not ISO 3166-1 countries: groupings (EU,
#: EZ, UN), private use (QO, XA, XB, XK, ZZ) and exceptionally reserved codes.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
#: A currency shared by many countries: the country a store of it most likely is in.
_SHARED_CURRENCY_HOME = {"EUR": "DE", "XOF": "SN", "XAF": "CM", "XCD": "AG", "XPF": "PF"}
#: When nothing else tells.
FALLBACK_COUNTRY = "GB"


class CountryError(ValueError):
    """A code that is not an ISO 3166-1 alpha-2 country."""


@cache
def countries() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code CLDR names."""
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def normalize_country(code: str) -> str:
    """The code in upper case, or CountryError."""
    upper = code.strip().upper()
    if upper not in countries():
        raise CountryError(f"'{code}' is not an ISO 3166-1 alpha-2 country code, such as GB.")
    return upper


def country_name(code: str, locale: str = "en") -> str:
    return str(Locale.parse(locale).territories.get(code, code))


def _uses_today(territory: str, currency: str) -> bool:
    used = get_global("territory_currencies").get(territory, ())
    return any(code == currency and end is None for code, _start, end, _tender in used)


def country_for_currency(currency: str) -> str:
    """The country a store keeping ``currency`` is most likely in: most ISO 4217 codes start
    with their country's code (GBP, CHF, JPY), where that country uses it today."""
    upper = currency.upper()
    if upper in _SHARED_CURRENCY_HOME:
        return _SHARED_CURRENCY_HOME[upper]
    if upper[:2] in countries() and _uses_today(upper[:2], upper):
        return upper[:2]
    users = sorted(code for code in countries() if _uses_today(code, upper))
    return users[0] if users else FALLBACK_COUNTRY
