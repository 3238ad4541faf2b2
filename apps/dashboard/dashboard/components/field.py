"""A labelled form field with its error under it, tied together for screen readers."""

from typing import Any

import reflex as rx


def error_text(name: str, message: rx.Var | str) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, size="1", color_scheme="red", id=f"{name}-error", role="alert"),
        rx.fragment(),
    )


def field(
    name: str,
    label: str,
    errors: rx.Var,
    *,
    hint: str = "",
    control: rx.Component | None = None,
    **input_props: Any,
) -> rx.Component:
    """``errors`` is the state's dict of messages by field name; ``control`` replaces the
    default text input (a select, a text area …)."""
    message = errors.get(name, "")
    if control is None:
        control = rx.input(
            name=name,
            id=name,
            aria_invalid=rx.cond(message, "true", "false"),
            aria_describedby=f"{name}-error",
            width="100%",
            **input_props,
        )
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        error_text(name, message),
        spacing="1",
        width="100%",
    )


def notice(message: rx.Var) -> rx.Component:
    """A problem that belongs to no one field."""
    return rx.cond(
        message,
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
        rx.fragment(),
    )
