"""A labelled input with its inline error, tied together for assistive technology."""

import reflex as rx


def error_text(field_id: str, message: rx.Var) -> rx.Component:
    return rx.cond(
        message,
        rx.el.p(
            rx.icon("circle-alert", size=15, aria_hidden="true", flex="none", margin_top="2px"),
            rx.el.span(message),
            id=f"{field_id}-error",
            class_name="pl-error",
        ),
    )


def label(
    field_id: str, text: rx.Var | str, mode: rx.Var | str, optional: rx.Var | str = "(optional)"
) -> rx.Component:
    return rx.el.label(
        text,
        rx.cond(
            mode == "required",
            rx.el.span("*", class_name="pl-required", aria_hidden="true"),
            rx.cond(mode == "optional", rx.el.span(optional, class_name="pl-optional")),
        ),
        html_for=field_id,
        class_name="pl-label",
    )


def input_box(
    field_id: str,
    error: rx.Var,
    *,
    mode: rx.Var | str = "required",
    hint_id: str | None = None,
    **props: object,
) -> rx.Component:
    described = f"{field_id}-error {hint_id}" if hint_id else f"{field_id}-error"
    return rx.el.input(
        id=field_id,
        name=field_id,
        class_name="pl-input",
        required=mode == "required",
        custom_attrs={
            "aria-invalid": rx.cond(error, "true", "false"),
            "aria-describedby": described,
        },
        **props,
    )


def text_field(
    field_id: str,
    text: rx.Var | str,
    error: rx.Var,
    *,
    mode: rx.Var | str = "required",
    optional: rx.Var | str = "(optional)",
    **props: object,
) -> rx.Component:
    """A customer field: shown unless its mode is ``disabled``; required ones are marked."""
    return rx.cond(
        mode != "disabled",
        rx.el.div(
            label(field_id, text, mode, optional),
            input_box(field_id, error, mode=mode, **props),
            error_text(field_id, error),
            class_name="pl-field",
        ),
    )
