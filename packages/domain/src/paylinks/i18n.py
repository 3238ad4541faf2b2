"""Gettext catalogs in Babel's PO files, read with babel: the words of the checkout and of
the receipts in each locale of ``paylinks.locales.SUPPORTED`` (English is the msgids)."""

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from paylinks.locales import DEFAULT, SUPPORTED


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract -k N_``)."""
    return message


class Catalogs:
    """The catalogs of one domain: ``<folder>/<locale>/LC_MESSAGES/<domain>.po``."""

    def __init__(self, folder: Path, domain: str) -> None:
        self.folder = folder
        self.domain = domain
        self.catalog = cache(self._read)

    def _read(self, locale: str) -> Catalog | None:
        """The catalog of ``locale`` (None for English, the msgids' language)."""
        if locale == DEFAULT or locale not in SUPPORTED:
            return None
        path = self.folder / locale / "LC_MESSAGES" / f"{self.domain}.po"
        with path.open("rb") as po:
            return read_po(po, locale=locale, domain=self.domain)

    @property
    def template(self) -> Path:
        return self.folder / f"{self.domain}.pot"

    def gettext(self, locale: str, message: str) -> str:
        """``message`` in ``locale``, or as it is when the catalog has no translation."""
        found = self.catalog(locale)
        entry = found.get(message) if found is not None else None
        if entry is None or not entry.string or entry.fuzzy:
            return message
        return str(entry.string)

    def texts(self, locale: str, messages: dict[str, str]) -> dict[str, str]:
        """``messages`` (by key) in ``locale``."""
        return {key: self.gettext(locale, message) for key, message in messages.items()}
