"""Money and words for the customer: locale, currency formats, bounds, the route's id."""

import pytest
from checkout import routes
from checkout.display import bounds_hint, choose_locale, money


class TestLocale:
    @pytest.mark.parametrize(
        ("header", "currency", "locale"),
        [
            ("de-DE,de;q=0.9,en;q=0.8", "GBP", "de_DE"),
            ("en-US", "GBP", "en_US"),
            ("xx-YY, fr-FR;q=0.5", "EUR", "fr_FR"),
            ("fr;q=0.2, en-GB;q=0.9", "EUR", "en_GB"),
            ("", "GBP", "en_GB"),
            ("", "USD", "en_US"),
            ("*", "JPY", "ja_JP"),
            ("", "XYZ", "en_GB"),
            ("de;q=0", "GBP", "en_GB"),
        ],
    )
    def test_the_browsers_first_known_language_else_the_currencys(
        self, header: str, currency: str, locale: str
    ) -> None:
        assert choose_locale(header, currency) == locale


class TestMoney:
    @pytest.mark.parametrize(
        ("amount", "currency", "locale", "text"),
        [
            (1450, "GBP", "en_GB", "£14.50"),
            (1450, "GBP", "de_DE", "14,50\xa0£"),
            (1500, "JPY", "ja_JP", "￥1,500"),
            (1500, "KWD", "en_GB", "KWD1.500"),
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
