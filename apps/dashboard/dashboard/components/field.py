"""A labelled form field with its hint and error under it, tied together for screen readers
(``aria-describedby`` names both; ``aria-invalid`` marks the input while it is wrong, which
``dashboard.css`` draws with a red border)."""

from typing import Any

import reflex as rx


def error_text(name: str, message: rx.Var | str) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, size="1", color_scheme="red", id=f"{name}-error", role="alert"),
        rx.fragment(),
    )


def described_by(name: str, hint: Any = "") -> str:
    """The ids of the hint (when there is one) and the error of field ``name``."""
    return f"{name}-error" if isinstance(hint, str) and not hint else f"{name}-hint {name}-error"


def invalid(message: rx.Var | str) -> rx.Var:
    """``aria-invalid`` of an input whose error message is ``message``."""
    return rx.cond(message, "true", "false")


def hint_text(name: str, hint: Any) -> rx.Component:
    if isinstance(hint, str) and not hint:
        return rx.fragment()
    return rx.text(hint, size="1", color_scheme="gray", id=f"{name}-hint")


def field(
    name: str,
    label: Any,
    errors: rx.Var,
    *,
    hint: Any = "",
    control: rx.Component | None = None,
    **input_props: Any,
) -> rx.Component:
    """``errors`` is the state's dict of messages by field name; ``control`` replaces the
    default text input (a select, a text area …) and carries its own aria attributes."""
    message = errors.get(name, "")
    if control is None:
        control = rx.input(
            name=name,
            id=name,
            aria_invalid=invalid(message),
            aria_describedby=described_by(name, hint),
            width="100%",
            **input_props,
        )
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        control,
        hint_text(name, hint),
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
