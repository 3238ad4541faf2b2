"""Receipts and refund notices, pure: their words in every language, money and dates."""

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from paylinks.locales import DEFAULT, SUPPORTED
from paylinks.messages.receipts import CATALOGS, TEXTS, Paid, render

PAID = Paid(
    store="Acme <Coffee>",
    logo_url=None,
    brand_color=None,
    title="Espresso beans",
    amount=1450,
    currency="GBP",
    when=datetime(2026, 12, 6, 10, 30, tzinfo=UTC),
    reference="sbx_123",
    locale=None,
)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_the_template_holds_every_text_of_the_code() -> None:
    with CATALOGS.template.open("rb") as pot:
        assert {m.id for m in read_po(pot) if m.id} == set(TEXTS.values())


@pytest.mark.parametrize("locale", [locale for locale in SUPPORTED if locale != DEFAULT])
def test_every_catalog_is_complete(locale: str) -> None:
    catalog = CATALOGS.catalog(locale)
    assert catalog is not None
    for message in TEXTS.values():
        entry = catalog.get(message)
        assert entry is not None
        assert entry.string
        assert not entry.fuzzy
        assert sorted(_PLACEHOLDER.findall(str(entry.string))) == sorted(
            _PLACEHOLDER.findall(message)
        )


def test_a_receipt_in_english() -> None:
    rendered = render(PAID)
    assert rendered.subject == "Your receipt from Acme <Coffee>"
    assert "Amount paid: £14.50" in rendered.text
    assert "Payment reference: sbx_123" in rendered.text
    assert "December 6, 2026" in rendered.text
    assert "Acme &lt;Coffee&gt;" in rendered.html


def test_a_refund_notice_in_french() -> None:
    from msgspec.structs import replace

    rendered = render(replace(PAID, amount=450, locale="fr"), refund=True)
    assert rendered.subject == "Votre remboursement de Acme <Coffee>"
    assert "Acme <Coffee> vous a remboursé 4,50\u00a0£GB de votre paiement." in rendered.text
    assert "6 décembre 2026" in rendered.text


def test_an_unknown_locale_falls_back_to_english() -> None:
    from msgspec.structs import replace

    assert render(replace(PAID, locale="xx")).subject.startswith("Your receipt")
