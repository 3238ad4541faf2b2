"""In the refund dialog: the refunds of the payment (they settle in the background) and
the emails sent to its customer."""

import reflex as rx

from dashboard.components.field import notice
from dashboard.components.stacked_table import cell, head, stacked_table
from dashboard.state.transactions import TransactionsState as T


def _refund_row(refund: rx.Var) -> rx.Component:
    return rx.table.row(
        cell("Amount", refund.amount),
        cell(
            "Status",
            rx.vstack(
                rx.badge(refund.status_label, color_scheme=refund.status_color, variant="soft"),
                rx.cond(
                    refund.failure_reason,
                    rx.text(refund.failure_reason, size="1", color_scheme="red"),
                ),
                spacing="1",
            ),
        ),
        cell("Reason", rx.text(refund.reason, size="1")),
        cell("Asked", rx.text(refund.created, size="1")),
    )


def refunds_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Refunds of this payment", size="2"),
            rx.cond(T.polling, rx.spinner(size="1")),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=12),
                "Refresh",
                size="1",
                variant="ghost",
                loading=T.refunds_loading,
                on_click=T.refresh_refunds,
                data_testid="refresh-refunds",
            ),
            align="center",
            width="100%",
        ),
        notice(T.refunds_error),
        rx.cond(
            T.refunds.length() > 0,
            stacked_table(
                head("Amount", "Status", "Reason", "Asked"),
                rx.table.body(rx.foreach(T.refunds, _refund_row)),
                size="1",
                data_testid="refunds-table",
            ),
            rx.text("No refunds yet.", size="2", color_scheme="gray"),
        ),
        rx.text(
            "Refunds settle with the gateway in the background: pending ones turn succeeded "
            "or failed shortly.",
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def _receipt(receipt: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(receipt.kind, weight="medium", size="1"),
        rx.text(receipt.recipient, size="1", style={"overflow_wrap": "anywhere"}),
        rx.badge(receipt.status, variant="soft", size="1"),
        rx.text(receipt.date, size="1", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
        data_testid="receipt-row",
    )


def receipts_list() -> rx.Component:
    return rx.cond(
        T.receipts.length() > 0,
        rx.vstack(
            rx.heading("Emails to the customer", size="2"),
            rx.foreach(T.receipts, _receipt),
            spacing="1",
            width="100%",
        ),
    )
