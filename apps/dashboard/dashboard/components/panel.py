"""Pieces shared by the Developers panels: a panel's intro with its main action, a load
error, an empty state, and an alert dialog asking to confirm a destructive action."""

import reflex as rx


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


def load_error(message: rx.Var) -> rx.Component:
    return rx.callout(
        message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
    )


def empty_state(icon: str, title: str, text: str, test_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=28, color="var(--gray-9)"),
            rx.heading(title, size="4"),
            rx.text(text, size="2", color_scheme="gray", align="center"),
            align="center",
            spacing="2",
            padding="2em",
        ),
        width="100%",
        data_testid=test_id,
    )


def loading_or(loading: rx.Var, otherwise: rx.Component) -> rx.Component:
    return rx.cond(loading, rx.center(rx.spinner(size="3"), padding="3em"), otherwise)


def confirm_dialog(
    *,
    is_open: rx.Var,
    title: rx.Var | str,
    description: rx.Component,
    confirm_label: rx.Var | str,
    on_confirm: rx.EventHandler,
    on_open_change: rx.EventHandler,
    busy: rx.Var,
    test_id: str,
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", disabled=busy)
                ),
                rx.button(
                    confirm_label,
                    color_scheme="red",
                    loading=busy,
                    on_click=on_confirm,
                    data_testid=f"{test_id}-confirm",
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="480px",
            data_testid=test_id,
        ),
        open=is_open,
        on_open_change=on_open_change,
    )
