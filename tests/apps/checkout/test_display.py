"""Money and words for the customer: locale, currency formats, bounds, the route's id."""

import pytest
from checkout import routes
from checkout.display import bounds_hint, money, number_locale


class TestNumberLocale:
    @pytest.mark.parametrize(
        ("lang", "country", "locale"),
        [("de", "CH", "de_CH"), ("de", "GB", "de"), ("en", "GB", "en_GB"), ("fr", "", "fr")],
    )
    def test_the_language_as_spoken_in_the_stores_country(
        self, lang: str, country: str, locale: str
    ) -> None:
        assert number_locale(lang, country) == locale


class TestMoney:
    @pytest.mark.parametrize(
        ("amount", "currency", "locale", "text"),
        [
            (1450, "GBP", "en_GB", "£14.50"),
            (1450, "GBP", "de_DE", "14,50\xa0£"),
            (1500, "JPY", "ja_JP", "￥1,500"),
            (1500, "KWD", "en_GB", "KWD\u00a01.500"),
            (123456789, "USD", "en_US", "$1,234,567.89"),
        ],
    )
    def test_minor_units_with_the_currencys_decimals(
        self, amount: int, currency: str, locale: str, text: str
    ) -> None:
        assert money(amount, currency, locale) == text

    @pytest.mark.parametrize(
        ("low", "high", "text"),
        [
            (500, 50000, "Between £5.00 and £500.00"),
            (500, None, "At least £5.00"),
            (None, 2000, "Up to £20.00"),
            (None, None, "Enter the amount you want to pay"),
        ],
    )
    def test_bounds_in_words(self, low: int | None, high: int | None, text: str) -> None:
        assert bounds_hint(low, high, "GBP", "en_GB") == text


class TestRoutes:
    def test_a_well_formed_id_is_read_from_the_path(self) -> None:
        link_id = "plink_019dbc4d828174419d9ff9fae24aea7b"
        assert routes.link_id_from_path(f"/pay/{link_id}") == link_id
        assert routes.link_id_from_path(f"/pay/{link_id}/?utm=x") == link_id

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/pay",
            "/pay/",
            "/pay/plink_x",
            "/pay/../v1",
            "/other/plink_" + "0" * 32,
            "/pay/plink_" + "0" * 32 + "/more",
            "/pay/PLINK_" + "0" * 32,
        ],
    )
    def test_anything_else_is_none(self, path: str) -> None:
        assert routes.link_id_from_path(path) is None
