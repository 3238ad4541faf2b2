"""The layout every checkout page shares: one centred card and a quiet footer."""

import reflex as rx


def page_shell(*children: rx.Component) -> rx.Component:
    return rx.el.div(
        rx.el.main(*children, class_name="pl-card"),
        rx.el.footer(
            rx.icon("lock", size=14, aria_hidden="true"),
            rx.el.span("Secure payment · Powered by Paylinks"),
            class_name="pl-footer",
        ),
        class_name="pl-shell",
    )
