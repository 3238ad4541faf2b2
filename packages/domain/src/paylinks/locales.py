"""Which language the checkout speaks: ``?locale=`` first, then the browser's
``Accept-Language``, then the store's country, among the locales it has catalogs for."""

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

#: The checkout's languages; the first is the fallback.
SUPPORTED: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pt")
DEFAULT = SUPPORTED[0]
#: Accept-Language is a short header; a longer one is cut rather than parsed at length.
_HEADER_MAX = 500
_RANGES_MAX = 20


def supported(tag: str) -> str | None:
    """The supported language of a BCP 47 tag (``de-CH`` → ``de``), if any."""
    try:
        language = Locale.parse(tag.strip().replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return language if language in SUPPORTED else None


def accepted(header: str | None) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, best first (RFC 9110 q-values;
    ranges with q=0 are refused)."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "")[:_HEADER_MAX].split(",")[:_RANGES_MAX]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            ranges.append((-quality, index, tag.strip()))
    return [tag for _q, _i, tag in sorted(ranges)]


def for_country(country: str | None) -> str:
    """The first official language of the country that the checkout speaks."""
    for language in get_official_languages(country or "", de_facto=True):
        if (found := supported(language)) is not None:
            return found
    return DEFAULT


def negotiate(requested: str | None, accept_language: str | None, country: str | None) -> str:
    """The checkout's locale for this customer."""
    if requested and (found := supported(requested)) is not None:
        return found
    for tag in accepted(accept_language):
        if (found := supported(tag)) is not None:
            return found
    return for_country(country)
