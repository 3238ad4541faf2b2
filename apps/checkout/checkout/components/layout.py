"""The layout every checkout page shares: one centred card and a quiet footer."""

import reflex as rx


def page_shell(
    *children: rx.Component,
    footer: rx.Var | str = "Secure payment · Powered by Paylinks",
    style: rx.Var | dict[str, str] | None = None,
) -> rx.Component:
    """``style``: the store's brand colour as CSS variables, set for the whole page."""
    return rx.el.div(
        rx.el.main(*children, class_name="pl-card"),
        rx.el.footer(
            rx.icon("lock", size=14, aria_hidden="true"),
            rx.el.span(footer),
            class_name="pl-footer",
        ),
        class_name="pl-shell",
        style=style if style is not None else {},
    )
