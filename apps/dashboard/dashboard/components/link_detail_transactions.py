"""The Transactions tab of a link: the toolbar (Refresh, Export CSV), the table of
payments with Load more, and the refund dialog; the chart it shares with Overview."""

import reflex as rx

from dashboard.components.field import notice
from dashboard.components.payments_chart import chart_card
from dashboard.components.payments_table import payments_table
from dashboard.components.refund_dialog import refund_dialog
from dashboard.state.transactions import TransactionsState as T

__all__ = ["chart_card", "transactions_tab"]


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.text("Newest first.", size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(
            rx.icon("refresh-cw", size=14),
            "Refresh",
            variant="soft",
            color_scheme="gray",
            loading=T.payments_loading,
            on_click=T.refresh,
            data_testid="refresh-payments",
        ),
        rx.button(
            rx.icon("download", size=14),
            "Export CSV",
            variant="soft",
            on_click=T.export_csv,
            data_testid="export-csv",
        ),
        align="center",
        width="100%",
    )


def transactions_tab() -> rx.Component:
    return rx.vstack(
        _toolbar(),
        notice(T.payments_error),
        rx.cond(
            T.payments.length() > 0,
            payments_table(),
            rx.card(
                rx.vstack(
                    rx.icon("receipt", size=28, color="var(--gray-9)"),
                    rx.text("No payments yet.", weight="medium"),
                    rx.text(
                        "Share the link from the Sharing tab; payments appear here as "
                        "customers pay.",
                        size="2",
                        color_scheme="gray",
                    ),
                    align="center",
                    spacing="2",
                    padding="2em",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            T.has_more,
            rx.button(
                "Load more",
                variant="soft",
                color_scheme="gray",
                loading=T.payments_loading,
                on_click=T.load_more,
                data_testid="load-more",
            ),
        ),
        refund_dialog(),
        spacing="4",
        width="100%",
    )
