"""Gettext catalogs in Babel's PO files, read with babel: the words of the checkout and of
the receipts in each locale of ``paylinks.locales.SUPPORTED`` (English is the msgids).

The PO files are the source; a build compiles them into MO files (``Catalogs.compile``, as
``pybabel compile`` does), and a catalog given its compiled folder reads those instead."""

import os
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from paylinks.locales import DEFAULT, SUPPORTED


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract -k N_``)."""
    return message


TRANSLATED = tuple(locale for locale in SUPPORTED if locale != DEFAULT)


class Catalogs:
    """The catalogs of one domain: ``<folder>/<locale>/LC_MESSAGES/<domain>.po``, or the
    MO files compiled from them (same layout) in the folder that the environment variable
    ``compiled_env`` names, when it is set (read when a catalog is first needed)."""

    def __init__(self, folder: Path, domain: str, compiled_env: str | None = None) -> None:
        self.folder = folder
        self.domain = domain
        self.compiled_env = compiled_env
        self.catalog = cache(self._read)

    @property
    def compiled(self) -> Path | None:
        found = os.environ.get(self.compiled_env) if self.compiled_env else None
        return Path(found) if found else None

    def _path(self, folder: Path, locale: str, suffix: str) -> Path:
        return folder / locale / "LC_MESSAGES" / f"{self.domain}{suffix}"

    def _read(self, locale: str) -> Catalog | None:
        """The catalog of ``locale`` (None for English, the msgids' language)."""
        if locale == DEFAULT or locale not in SUPPORTED:
            return None
        if (compiled := self.compiled) is not None:
            with self._path(compiled, locale, ".mo").open("rb") as mo:
                return read_mo(mo)
        with self._path(self.folder, locale, ".po").open("rb") as po:
            return read_po(po, locale=locale, domain=self.domain)

    def compile(self, into: Path) -> list[Path]:
        """Every PO file as an MO file under ``into`` (fuzzy entries left out, as
        ``pybabel compile`` does); the files written."""
        written = []
        for locale in TRANSLATED:
            with self._path(self.folder, locale, ".po").open("rb") as po:
                catalog = read_po(po, locale=locale, domain=self.domain)
            target = self._path(into, locale, ".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as mo:
                write_mo(mo, catalog)
            written.append(target)
        return written

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
