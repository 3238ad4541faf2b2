"""A store's brand colour and the text colour to write on it (WCAG 2.x contrast)."""

import re

_HEX_COLOR = re.compile(r"#[0-9a-f]{6}")
#: The text colours to choose from: black or white always reaches 4.5:1 on one side.
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"
#: WCAG 2.x AA for normal text.
MIN_CONTRAST = 4.5


class ColorError(ValueError):
    """Not a colour of the form #rrggbb."""


def normalize_color(value: str) -> str:
    lower = value.strip().lower()
    if _HEX_COLOR.fullmatch(lower) is None:
        raise ColorError("Enter a colour as #rrggbb, e.g. #1a73e8.")
    return lower


def _channel(byte: int) -> float:
    value = byte / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (always >= 4.5:1)."""
    if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT
