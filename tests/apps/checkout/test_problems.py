"""The API's problems in the page's words: chosen from the stable code and the field at
fault, translated in every language; the API's English only for what the page does not know."""

import pytest
from checkout import i18n, problems

from paylinks.locales import DEFAULT, SUPPORTED

TRANSLATED = [locale for locale in SUPPORTED if locale != DEFAULT]


def in_(locale: str, message: str) -> str:
    return i18n.translate(locale, message)


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("code", sorted(problems.BY_CODE))
def test_every_known_code_reads_in_every_language(locale: str, code: str) -> None:
    english = problems.notice(code, "The API's English.")
    assert english == problems.BY_CODE[code]
    assert in_(locale, english) != english


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("field", sorted(problems.BY_FIELD))
def test_every_known_field_reads_in_every_language(locale: str, field: str) -> None:
    english = problems.field_message(field, "")
    assert in_(locale, english) != english
    if field != "customer.phone":  # its message is the core's, kept for the example
        assert problems.field_message(field, "Some English from the API.") == english


def test_the_fields_are_the_forms() -> None:
    errors = problems.form_errors(
        {"customer.email": "value is not a valid email address", "card.cvc": "Enter the 3-digit"}
    )
    assert errors == {
        "email": "Enter an email address like name@example.com.",
        "cvc": "Enter the 3 or 4 digits on the back of the card.",
    }
    assert in_("de", errors["email"]).startswith("Geben Sie")


def test_a_rate_limit_says_how_long_in_the_pages_language() -> None:
    english = problems.notice("rate_limited", "Too many requests.", retry_after=12)
    assert english == "Too many attempts. Please wait 12 seconds and try again."
    assert "12" in in_("fr", english)
    assert in_("fr", english) != english


def test_the_phones_own_message_is_kept_for_its_example() -> None:
    message = "Enter a phone number such as 030 123456, or one starting with +."
    assert problems.field_message("customer.phone", message) == message
    assert in_("de", message).startswith("Geben Sie eine Telefonnummer")


def test_unknown_codes_and_fields_show_the_apis_text() -> None:
    assert problems.notice("something_new", "A new rule.") == "A new rule."
    assert problems.notice("something_new", "") == problems.GENERIC_FAILURE
    assert problems.form_errors({"gift_card": "Not accepted."}) == {"form": "Not accepted."}


@pytest.mark.parametrize(
    ("reason", "lang", "said"),
    [
        ("Your card was declined.", "en", ["Your card was declined.", "Try another card."]),
        ("Insufficient funds.", "en", ["Insufficient funds."]),
        ("Insufficient funds.", "nl", ["Your card was declined.", "Try another card."]),
        ("", "en", ["Your card was declined.", "Try another card."]),
    ],
)
def test_a_decline(reason: str, lang: str, said: list[str]) -> None:
    assert problems.decline(reason, lang) == said
