"""The refund dialog of a payment: what was paid and is left, the form asking for a
refund (all that is left by default), then the payment's refunds and receipts."""

import reflex as rx

from dashboard.components.field import field, notice
from dashboard.components.refund_history import receipts_list, refunds_list
from dashboard.state.transactions import TransactionsState as T


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _refund_form() -> rx.Component:
    payment = T.refund_payment
    return rx.form(
        rx.vstack(
            field(
                "amount",
                "Amount to refund (" + payment.currency + ")",
                T.refund_errors,
                default_value=T.refund_prefill,
                input_mode="decimal",
                hint="All that is left is filled in; enter less for a partial refund.",
            ),
            field("reason", "Reason (optional)", T.refund_errors, max_length=500),
            notice(T.refund_notice),
            rx.hstack(
                rx.dialog.close(
                    rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                ),
                rx.button(
                    "Refund",
                    type="submit",
                    loading=T.refunding,
                    color_scheme="red",
                    data_testid="refund-submit",
                ),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=T.refund,
        # The amount is checked here and by the API, with messages under the field.
        no_validate=True,
        key=T.refund_form_key,
        width="100%",
    )


def refund_dialog() -> rx.Component:
    payment = T.refund_payment
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Refund a payment"),
            rx.dialog.description(
                "Money goes back to the customer's card.", size="2", color_scheme="gray"
            ),
            rx.vstack(
                rx.data_list.root(
                    _fact("Paid", payment.amount + " · " + payment.date),
                    rx.data_list.item(
                        rx.data_list.label("Status"),
                        rx.data_list.value(
                            rx.badge(
                                payment.status_label,
                                color_scheme=payment.status_color,
                                variant="soft",
                                data_testid="refund-payment-status",
                            )
                        ),
                    ),
                    _fact("Refunded", rx.cond(payment.refunded, payment.refunded, "—")),
                    _fact(
                        "Left to refund",
                        rx.cond(payment.refundable_label, payment.refundable_label, "Nothing"),
                    ),
                    size="2",
                ),
                rx.cond(
                    payment.refundable_label,
                    _refund_form(),
                    rx.hstack(
                        rx.text("Nothing is left to refund on this payment.", size="2"),
                        rx.spacer(),
                        rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                        width="100%",
                        align="center",
                    ),
                ),
                rx.separator(),
                refunds_list(),
                receipts_list(),
                spacing="4",
                width="100%",
                margin_top="1em",
            ),
            max_width="560px",
        ),
        open=T.refund_open,
        on_open_change=T.set_refund_open,
    )
