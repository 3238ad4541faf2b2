"""The dialogs of the list pages, one for each mixin of ``state/dialogs.py``: a create
form, a secret shown once, and a confirmation of a destructive action."""

from typing import Any

import reflex as rx

from dashboard.components.field import notice


def _buttons(*buttons: rx.Component, margin_top: str = "16px") -> rx.Component:
    return rx.hstack(*buttons, justify="end", spacing="3", width="100%", margin_top=margin_top)


def form_dialog(
    state: Any,
    *,
    open_label: str,
    title: str,
    description: str,
    fields: list[rx.Component],
    submit_label: str,
    on_submit: rx.EventHandler,
    test_id: str,
    max_width: str = "480px",
) -> rx.Component:
    """The button that opens the form of a ``DialogForm`` state, and the form: its
    ``test_id`` names the button, ``{test_id}-submit`` the submit."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), open_label, data_testid=test_id),
        ),
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", margin_bottom="12px"),
            rx.form(
                rx.vstack(
                    rx.el.input(
                        type="hidden", name="form_key", value=state.form_key, read_only=True
                    ),
                    *fields,
                    notice(state.form_notice),
                    _buttons(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            submit_label,
                            type="submit",
                            loading=state.submitting,
                            data_testid=f"{test_id}-submit",
                        ),
                        margin_top="0",
                    ),
                    spacing="3",
                ),
                on_submit=on_submit,
            ),
            max_width=max_width,
        ),
        open=state.form_open,
        on_open_change=state.show_form,
    )


def secret_once_dialog(
    state: Any, *, title: str, description: rx.Component, test_id: str
) -> rx.Component:
    """The new secret of a ``SecretOnce`` state, with a copy button and a warning that it
    will not be shown again; closed only on purpose (not by a click beside it)."""
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
                    state.new_secret,
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
                        rx.set_clipboard(state.new_secret),
                        rx.toast.success("Copied to the clipboard."),
                    ],
                    data_testid=f"{test_id}-copy",
                ),
                align="center",
                spacing="3",
                width="100%",
            ),
            _buttons(
                rx.button(
                    "I've saved it", on_click=state.forget_secret, data_testid=f"{test_id}-done"
                )
            ),
            max_width="560px",
            on_pointer_down_outside=rx.prevent_default,
            data_testid=test_id,
        ),
        open=state.secret_shown,
        on_open_change=state.secret_dialog_changed,
    )


def confirm_dialog(
    *,
    title: rx.Var | str,
    description: rx.Component | str,
    confirm_label: rx.Var | str,
    on_confirm: rx.EventHandler | Any,
    test_id: str,
    cancel_label: str = "Cancel",
    trigger: rx.Component | None = None,
    is_open: rx.Var | None = None,
    on_open_change: rx.EventHandler | None = None,
    busy: rx.Var | bool = False,
    confirm_test_id: str = "",
) -> rx.Component:
    """Asks before a destructive action; its button ``confirm_test_id`` (by default
    ``{test_id}-confirm``) carries it out. Opened by
    its ``trigger`` (and closed by the answer), or, without one, held open by the state
    (``is_open``) until the action is done."""
    confirm = rx.button(
        confirm_label,
        color_scheme="red",
        loading=busy,
        on_click=on_confirm,
        data_testid=confirm_test_id or f"{test_id}-confirm",
    )
    content = rx.alert_dialog.content(
        rx.alert_dialog.title(title),
        rx.alert_dialog.description(description, size="2"),
        _buttons(
            rx.alert_dialog.cancel(
                rx.button(cancel_label, variant="soft", color_scheme="gray", disabled=busy)
            ),
            confirm if trigger is None else rx.alert_dialog.action(confirm),
        ),
        max_width="480px",
        data_testid=test_id,
    )
    if trigger is not None:
        return rx.alert_dialog.root(rx.alert_dialog.trigger(trigger), content)
    return rx.alert_dialog.root(content, open=is_open, on_open_change=on_open_change)
