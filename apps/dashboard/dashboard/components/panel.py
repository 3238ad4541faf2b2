"""Pieces of the list pages and panels: a link styled as a button, an intro with the main
action, a load error (with Try again), an empty state, a spinner while loading, and the
three put together."""

from typing import Any

import reflex as rx


def link_button(*children: Any, href: str, **props: Any) -> rx.Component:
    """A link that looks like a button: one element, one Tab stop (not a button in a
    link), and the app's own navigation."""
    return rx.button(
        rx.link(*children, href=href, underline="none", class_name="pl-link-button"),
        as_child=True,
        **props,
    )


def panel_intro(text: rx.Component | str, action: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(text, size="2", color_scheme="gray", max_width="640px"),
        rx.spacer(),
        action,
        align="center",
        width="100%",
        spacing="4",
        wrap="wrap",
    )


def load_error(message: rx.Var, on_retry: rx.EventHandler | list | None = None) -> rx.Component:
    retry = (
        rx.button("Try again", size="1", variant="soft", on_click=on_retry)
        if on_retry is not None
        else rx.fragment()
    )
    return rx.callout(
        rx.hstack(rx.text(message), retry, align="center", spacing="3", wrap="wrap"),
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        width="100%",
    )


def empty_state(
    icon: str, title: str, text: str, test_id: str, *actions: rx.Component
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=28, color="var(--gray-9)"),
            rx.heading(title, size="4"),
            rx.text(text, size="2", color_scheme="gray", align="center", max_width="440px"),
            *actions,
            align="center",
            spacing="2",
            padding="2em",
        ),
        width="100%",
        data_testid=test_id,
    )


def spinner() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="3em", width="100%")


def rows_or_empty(
    *,
    load_error_message: rx.Var,
    has_rows: rx.Var,
    loaded: rx.Var,
    rows: rx.Component,
    empty: rx.Component,
    on_retry: rx.EventHandler | None = None,
) -> rx.Component:
    """A list's rows; else why they could not be loaded, a spinner until the first
    answer, or its empty state."""
    return rx.cond(
        load_error_message,
        load_error(load_error_message, on_retry),
        rx.cond(has_rows, rows, rx.cond(loaded, empty, spinner())),
    )
