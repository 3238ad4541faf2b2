"""The checkout's catalogs: complete in every language, the template in step with the code."""

import re

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from checkout import i18n

from paylinks.locales import DEFAULT, SUPPORTED

TRANSLATED = [locale for locale in SUPPORTED if locale != DEFAULT]
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def template() -> set[str]:
    with i18n.CATALOGS.template.open("rb") as pot:
        return {str(message.id) for message in read_po(pot) if message.id}


def test_the_template_holds_every_message_of_the_code() -> None:
    """``pybabel extract -k N_`` of ``i18n.SOURCES``: run it again after changing a text."""
    extracted = {
        str(message)
        for source in i18n.SOURCES
        for _line, message, _comments, _context in extract_from_file(
            "python", str(source), keywords={"N_": None}
        )
    }
    assert template() == extracted
    assert set(i18n.TEXTS.values()) <= extracted


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_catalog_is_complete(locale: str) -> None:
    catalog = i18n.CATALOGS.catalog(locale)
    assert catalog is not None
    for message in template():
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


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Enter your card number.", "Geben Sie Ihre Kartennummer ein."),
        ("Enter at least £5.00.", "Geben Sie mindestens £5.00 ein."),
        (
            "Enter an amount between 5,00\u00a0£ and 500,00\u00a0£.",
            "Geben Sie einen Betrag zwischen 5,00\u00a0£ und 500,00\u00a0£ ein.",
        ),
        ("A message the catalog has not.", "A message the catalog has not."),
        (
            "Enter a phone number such as 030 123456, or one starting with +.",
            "Geben Sie eine Telefonnummer wie 030 123456 ein oder eine, die mit + beginnt.",
        ),
    ],
)
def test_messages_and_formatted_templates_translate(english: str, german: str) -> None:
    assert i18n.translate("de", english) == german
    assert i18n.translate("en", english) == english
