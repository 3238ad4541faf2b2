"""The table of a link's payments, newest first: date, amount, status, customer,
reference, refunded, and Refund; stacked rows on a phone, two facts a line and Refund under them."""

import reflex as rx

from dashboard.components.stacked_table import cell, head, stacked_table
from dashboard.state.transactions import TransactionsState as T


def _customer(payment: rx.Var) -> rx.Component:
    def line(key: str, **props: object) -> rx.Component:
        return rx.cond(payment[key], rx.text(payment[key], size="1", **props))

    return rx.vstack(
        line("customer_name", weight="medium"),
        line("business_name"),
        line("email", color_scheme="gray"),
        line("phone", color_scheme="gray"),
        rx.cond(
            payment.customer_name | payment.business_name | payment.email | payment.phone,
            rx.fragment(),
            rx.text("—", size="1", color_scheme="gray"),
        ),
        spacing="0",
    )


def _action(payment: rx.Var) -> rx.Component:
    """Refund while something is left to refund; the refunds of a paid payment after."""
    return rx.cond(
        payment.refundable_label,
        rx.button(
            "Refund",
            size="1",
            variant="soft",
            on_click=T.open_refund(payment.id),
            data_testid="refund-open",
        ),
        rx.cond(
            payment.paid,
            rx.button(
                "Refunds",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=T.open_refund(payment.id),
            ),
        ),
    )


def _status(payment: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.badge(payment.status_label, color_scheme=payment.status_color, variant="soft"),
        rx.cond(
            payment.failure_reason,
            rx.text(payment.failure_reason, size="1", color_scheme="red"),
        ),
        spacing="1",
    )


def _reference(payment: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.code(
            payment.reference,
            size="1",
            variant="ghost",
            title=payment.reference,
            class_name="pl-ref",
        ),
        rx.text(payment.card, size="1", color_scheme="gray"),
        rx.cond(
            payment.client_reference_id,
            rx.text(
                "Your ref: ",
                payment.client_reference_id,
                size="1",
                color_scheme="gray",
                data_testid="client-reference",
                class_name="pl-break",
            ),
        ),
        spacing="0",
    )


def _payment_row(payment: rx.Var) -> rx.Component:
    return rx.table.row(
        cell("Date", rx.text(payment.date, size="2", min_width="110px")),
        cell("Amount", rx.text(payment.amount, weight="medium")),
        cell("Status", _status(payment)),
        cell("Refunded", rx.text(rx.cond(payment.refunded, payment.refunded, "—"), size="2")),
        cell("Customer", _customer(payment)),
        cell("Reference", _reference(payment)),
        cell("", _action(payment)),
        data_testid="payment-row",
    )


def payments_table() -> rx.Component:
    return stacked_table(
        head("Date", "Amount", "Status", "Refunded", "Customer", "Reference", ""),
        rx.table.body(rx.foreach(T.payments, _payment_row)),
        variant="surface",
        data_testid="payments-table",
    )
