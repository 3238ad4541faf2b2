"""The dialog that shows a new secret (an API key, a webhook signing secret) the one time
the API gives it: a copy button and a warning that it will not be shown again."""

import reflex as rx


def secret_once_dialog(
    *,
    is_open: rx.Var,
    title: str,
    description: rx.Component,
    secret: rx.Var,
    on_open_change: rx.EventHandler,
    on_done: rx.EventHandler,
    test_id: str,
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2"),
            rx.callout(
                "Copy it now and keep it somewhere safe: it won't be shown again.",
                icon="triangle-alert",
                color_scheme="amber",
                margin_y="12px",
            ),
            rx.hstack(
                rx.code(
                    secret,
                    variant="outline",
                    size="3",
                    class_name="pl-secret",
                    data_testid=f"{test_id}-value",
                ),
                rx.button(
                    rx.icon("copy", size=16),
                    "Copy",
                    variant="soft",
                    on_click=[
                        rx.set_clipboard(secret),
                        rx.toast.success("Copied to the clipboard."),
                    ],
                    data_testid=f"{test_id}-copy",
                ),
                align="center",
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.button("I've saved it", on_click=on_done, data_testid=f"{test_id}-done"),
                justify="end",
                margin_top="16px",
            ),
            max_width="560px",
            on_pointer_down_outside=rx.prevent_default,
            data_testid=test_id,
        ),
        open=is_open,
        on_open_change=on_open_change,
    )
