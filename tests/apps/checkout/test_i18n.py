"""The checkout's catalogs: complete in every language, the template in step with the code."""

import re

import pytest
from babel.messages.pofile import read_po
from checkout import i18n

from paylinks.locales import DEFAULT, SUPPORTED

TRANSLATED = [locale for locale in SUPPORTED if locale != DEFAULT]
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_the_template_holds_every_text_of_the_code() -> None:
    with i18n.CATALOGS.template.open("rb") as pot:
        template = {message.id for message in read_po(pot) if message.id}
    assert template == set(i18n.TEXTS.values())


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_catalog_is_complete(locale: str) -> None:
    catalog = i18n.CATALOGS.catalog(locale)
    assert catalog is not None
    for message in i18n.TEXTS.values():
        entry = catalog.get(message)
        assert entry is not None, f"{locale}: no entry for {message!r}"
        assert entry.string, f"{locale}: {message!r} is not translated"
        assert not entry.fuzzy, f"{locale}: {message!r} is fuzzy"
        assert sorted(_PLACEHOLDER.findall(str(entry.string))) == sorted(
            _PLACEHOLDER.findall(message)
        ), f"{locale}: {message!r} lost or renamed a placeholder"


def test_german_words() -> None:
    words = i18n.texts("de")
    assert words["pay_amount"].format(amount="14,50 £") == "14,50 £ bezahlen"
    assert words["amount"] == "Betrag"


def test_english_is_the_code_itself() -> None:
    assert i18n.texts("en") == i18n.TEXTS
