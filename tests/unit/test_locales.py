"""The checkout's language: ?locale=, then Accept-Language, then the store's country."""

import pytest

from paylinks.locales import SUPPORTED, accepted, for_country, negotiate


class TestNegotiate:
    def test_the_url_wins(self) -> None:
        assert negotiate("fr", "de-DE,de;q=0.9", "GB") == "fr"

    def test_an_unknown_url_locale_falls_through(self) -> None:
        assert negotiate("xx", "de-DE,de;q=0.9", "GB") == "de"
        assert negotiate("ja", None, "GB") == "en"

    @pytest.mark.parametrize(
        ("header", "locale"),
        [
            ("de-CH,de;q=0.9,en;q=0.8", "de"),
            ("ja,fr;q=0.5,de;q=0.7", "de"),
            ("pt-BR", "pt"),
            ("nl-BE, en;q=0.1", "nl"),
            ("es;q=0, it", "it"),
            ("*", "en"),
            ("garbage;;;,,", "en"),
        ],
    )
    def test_the_browsers_best_supported_language(self, header: str, locale: str) -> None:
        assert negotiate(None, header, None) == locale

    @pytest.mark.parametrize(
        ("country", "locale"),
        [("DE", "de"), ("AT", "de"), ("CH", "de"), ("FR", "fr"), ("BR", "pt"), ("JP", "en")],
    )
    def test_then_the_stores_country(self, country: str, locale: str) -> None:
        assert negotiate(None, "ja", country) == locale
        assert for_country(country) == locale


def test_a_long_header_is_cut_not_parsed_at_length() -> None:
    assert len(accepted(",".join(["de"] * 10_000))) == 20


def test_english_comes_first() -> None:
    assert SUPPORTED[0] == "en"
    assert {"de", "fr", "es", "it", "nl", "pt"} <= set(SUPPORTED)
