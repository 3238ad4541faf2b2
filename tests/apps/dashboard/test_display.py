"""Money, dates and badges as the dashboard shows them."""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from dashboard.display import MoneyError, badge_color, money, parse_major, when, zone_named


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("14.50", "GBP", 1450),
        ("£1,000.5", "GBP", 100050),
        (" 7 ", "EUR", 700),
        ("1200", "JPY", 1200),
        ("0.001", "BHD", 1),
    ],
)
def test_major_units_are_parsed_exactly(text: str, currency: str, minor: int) -> None:
    assert parse_major(text, currency) == minor


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "1e3", "12.5.1"])
def test_bad_amounts_say_why(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_major(text, "GBP")


def test_money_and_dates_read_naturally() -> None:
    assert money(1450, "GBP") == "£14.50"
    assert money(None, "GBP") == ""
    assert when("2026-11-26T07:05:00Z") == "26 Nov 2026, 07:05 UTC"
    assert when(None) == ""
    assert when("yesterday") == "yesterday"


def test_dates_read_in_the_merchants_time_zone() -> None:
    london, new_york = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
    assert when("2026-07-01T07:05:00Z", london) == "1 Jul 2026, 08:05 BST"
    assert when("2026-11-26T07:05:00Z", london) == "26 Nov 2026, 07:05 GMT"
    assert when("2026-11-26T03:05:00Z", new_york) == "25 Nov 2026, 22:05 EST"


@pytest.mark.parametrize(
    "name", ["", "Not/AZone", "../../etc/passwd", "/etc/localtime", "zone.tab", "x" * 65]
)
def test_a_time_zone_the_browser_makes_up_is_utc(name: str) -> None:
    assert zone_named(name) is UTC


def test_a_real_time_zone_is_taken() -> None:
    assert zone_named("Asia/Tokyo") == ZoneInfo("Asia/Tokyo")


def test_every_status_has_a_meaningful_colour() -> None:
    assert badge_color("active") == "green"
    assert badge_color("failed") == "red"
    assert badge_color("partially_refunded") != badge_color("succeeded")
    assert badge_color("something new") == "gray"
