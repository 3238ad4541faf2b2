"""Brand colours and the text written on them (WCAG 2.x contrast)."""

import pytest

from paylinks.branding import (
    DARK_TEXT,
    LIGHT_TEXT,
    MIN_CONTRAST,
    ColorError,
    contrast,
    normalize_color,
    text_on,
)


def test_contrast_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#ffffff", DARK_TEXT),
        ("#ffd400", DARK_TEXT),
        ("#1a73e8", DARK_TEXT),
        ("#1d4ed8", LIGHT_TEXT),
        ("#000000", LIGHT_TEXT),
        ("#777777", DARK_TEXT),
        ("#e11d48", LIGHT_TEXT),
    ],
)
def test_the_text_colour_that_reads_best(background: str, text: str) -> None:
    assert text_on(background) == text


def test_the_chosen_text_always_reaches_aa() -> None:
    for value in range(0, 256, 5):
        for color in (f"#{value:02x}{value:02x}{value:02x}", f"#{value:02x}40{255 - value:02x}"):
            assert contrast(color, text_on(color)) >= MIN_CONTRAST


@pytest.mark.parametrize(("typed", "clean"), [("#1A73E8", "#1a73e8"), (" #abcdef ", "#abcdef")])
def test_a_colour_is_kept_in_lower_case(typed: str, clean: str) -> None:
    assert normalize_color(typed) == clean


@pytest.mark.parametrize("typed", ["", "1a73e8", "#fff", "#1a73e8ff", "red", "#ggg000"])
def test_what_is_not_rrggbb_is_refused(typed: str) -> None:
    with pytest.raises(ColorError):
        normalize_color(typed)
