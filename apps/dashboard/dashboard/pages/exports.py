"""Exports: the store's payments with their refunds, created between two days, as CSV."""

import reflex as rx

from dashboard.components.field import field
from dashboard.components.layout import app_shell
from dashboard.state.exports import ExportsState as S
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_session]


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(
                "Every payment created on these days (in your time zone), each followed by "
                "its refunds, amounts as a spreadsheet sums them (120.00) beside the currency. "
                "Leave a day blank for no limit.",
                size="2",
                color_scheme="gray",
            ),
            rx.flex(
                field("from", "From", S.form_errors, type="date"),
                field("to", "To (included)", S.form_errors, type="date"),
                direction={"initial": "column", "sm": "row"},
                spacing="3",
                width="100%",
            ),
            rx.button(
                rx.icon("download", size=16), "Download CSV", type="submit", data_testid="export"
            ),
            spacing="4",
            align="start",
            width="100%",
            max_width="560px",
        ),
        on_submit=S.download,
        width="100%",
    )


def page() -> rx.Component:
    return app_shell("exports", "Exports", rx.card(_form(), width="100%"))
