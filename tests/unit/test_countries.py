"""Countries: ISO 3166-1 alpha-2 codes, and a currency's most likely country."""

import pytest

from paylinks.countries import CountryError, countries, country_for_currency, normalize_country


class TestNormalizeCountry:
    @pytest.mark.parametrize(("typed", "code"), [("gb", "GB"), (" de ", "DE"), ("JP", "JP")])
    def test_a_country_code_in_any_case(self, typed: str, code: str) -> None:
        assert normalize_country(typed) == code

    @pytest.mark.parametrize("typed", ["", "UK", "GBR", "EU", "UN", "ZZ", "XK", "1A", "É"])
    def test_what_is_not_a_country_is_refused(self, typed: str) -> None:
        with pytest.raises(CountryError, match="ISO 3166-1 alpha-2"):
            normalize_country(typed)


def test_about_every_country_is_known() -> None:
    assert 245 <= len(countries()) <= 252
    assert {"GB", "US", "DE", "CH", "JP", "KW", "AQ"} <= countries()


@pytest.mark.parametrize(
    ("currency", "country"),
    [
        ("GBP", "GB"),
        ("USD", "US"),
        ("CHF", "CH"),
        ("JPY", "JP"),
        ("KWD", "KW"),
        ("SEK", "SE"),
        ("EUR", "DE"),
        ("XOF", "SN"),
        ("XDR", "GB"),
    ],
)
def test_a_currency_gives_its_country(currency: str, country: str) -> None:
    assert country_for_currency(currency) == country
