"""A native select of every country by name (ISO 3166-1 alpha-2 codes as values)."""

import reflex as rx

from dashboard.store_form import COUNTRY_OPTIONS


def country_select(name: str, value: rx.Var | str) -> rx.Component:
    """Starts at ``value``; keyed by it, so that a value that arrives later is shown."""
    return rx.el.select(
        *[rx.el.option(label, value=code) for code, label in COUNTRY_OPTIONS],
        name=name,
        id=name,
        default_value=value,
        key=value,
        class_name="pl-native-select",
        data_testid=f"{name}-select",
    )
