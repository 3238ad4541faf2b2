"""The Transactions tab of a link: the chart of payments per day, the table of payments
with the CSV export, and the refund dialog."""

import reflex as rx

from dashboard.components.field import field, notice
from dashboard.state.transactions import TransactionsState as T

AMOUNT_AS_MONEY = rx.Var(
    _js_expr=(
        "((value, name, item) => (item && item.dataKey === 'amount' && item.payload)"
        " ? item.payload.total : value)"
    )
)


def chart_card() -> rx.Component:
    chart = rx.recharts.composed_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="day"),
        rx.recharts.y_axis(y_axis_id="amount", width=60),
        rx.recharts.y_axis(y_axis_id="count", orientation="right", allow_decimals=False, width=40),
        rx.recharts.bar(
            data_key="amount",
            name="Amount collected (" + T.currency + ")",
            y_axis_id="amount",
            fill="var(--accent-9)",
            radius=[3, 3, 0, 0],
            max_bar_size=48,
        ),
        rx.recharts.line(
            data_key="payments",
            name="Payments",
            y_axis_id="count",
            stroke="var(--grass-9)",
            stroke_width=2,
            type_="monotone",
        ),
        # The bar's value is a plotting coordinate: the tooltip shows the day's total as
        # money, formatted exactly by the state ("total").
        rx.recharts.graphing_tooltip(custom_attrs={"formatter": AMOUNT_AS_MONEY}),
        rx.recharts.legend(),
        data=T.chart,
        width="100%",
        height=260,
    )
    return rx.card(
        rx.vstack(
            rx.heading("Payments over time", size="3"),
            rx.cond(
                T.chart.length() > 0,
                rx.box(chart, width="100%", data_testid="payments-chart"),
                rx.text(
                    "No successful payments yet: they show here by day once customers pay.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.cond(T.chart_note, rx.text(T.chart_note, size="1", color_scheme="gray")),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _customer(payment: rx.Var) -> rx.Component:
    def line(key: str, **props: object) -> rx.Component:
        return rx.cond(payment[key], rx.text(payment[key], size="1", **props))

    return rx.vstack(
        line("customer_name", weight="medium"),
        line("business_name"),
        line("email", color_scheme="gray"),
        line("phone", color_scheme="gray"),
        rx.cond(
            payment["customer_name"]
            | payment["business_name"]
            | payment["email"]
            | payment["phone"],
            rx.fragment(),
            rx.text("—", size="1", color_scheme="gray"),
        ),
        spacing="0",
    )


def _payment_row(payment: rx.Var) -> rx.Component:
    action = rx.cond(
        payment["refundable"],
        rx.button(
            "Refund",
            size="1",
            variant="soft",
            on_click=T.open_refund(payment["id"]),
            data_testid="refund-open",
        ),
        rx.cond(
            payment["paid"],
            rx.button(
                "Refunds",
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=T.open_refund(payment["id"]),
            ),
        ),
    )
    return rx.table.row(
        rx.table.cell(rx.text(payment["date"], size="2", min_width="110px")),
        rx.table.cell(rx.text(payment["amount"], weight="medium")),
        rx.table.cell(
            rx.vstack(
                rx.badge(
                    payment["status_label"], color_scheme=payment["status_color"], variant="soft"
                ),
                rx.cond(
                    payment["failure_reason"],
                    rx.text(payment["failure_reason"], size="1", color_scheme="red"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(_customer(payment)),
        rx.table.cell(
            rx.vstack(
                rx.code(
                    payment["reference"],
                    size="1",
                    variant="ghost",
                    title=payment["reference"],
                    class_name="pl-ref",
                ),
                rx.text(payment["card"], size="1", color_scheme="gray"),
                rx.cond(
                    payment["client_reference_id"],
                    rx.text(
                        "Your ref: ",
                        payment["client_reference_id"],
                        size="1",
                        color_scheme="gray",
                        data_testid="client-reference",
                        style={"overflow_wrap": "anywhere"},
                    ),
                ),
                spacing="0",
            )
        ),
        rx.table.cell(rx.text(payment["refunded"], size="2")),
        rx.table.cell(action),
        data_testid="payment-row",
    )


def payments_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Date"),
                rx.table.column_header_cell("Amount"),
                rx.table.column_header_cell("Status"),
                rx.table.column_header_cell("Customer"),
                rx.table.column_header_cell("Reference"),
                rx.table.column_header_cell("Refunded"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(T.payments, _payment_row)),
        width="100%",
        variant="surface",
        data_testid="payments-table",
    )


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


# ---- the refund dialog ----------------------------------------------------------------------


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _refund_form() -> rx.Component:
    payment = T.refund_payment
    return rx.form(
        rx.vstack(
            field(
                "amount",
                "Amount to refund (" + payment["currency"] + ")",
                T.refund_errors,
                default_value=payment["refundable_major"],
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


def _refund_row(refund: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(refund["amount"]),
        rx.table.cell(
            rx.vstack(
                rx.badge(
                    refund["status_label"], color_scheme=refund["status_color"], variant="soft"
                ),
                rx.cond(
                    refund["failure_reason"],
                    rx.text(refund["failure_reason"], size="1", color_scheme="red"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(refund["reason"], size="1")),
        rx.table.cell(rx.text(refund["created"], size="1", white_space="nowrap")),
    )


def _refunds_list() -> rx.Component:
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
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Amount"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell("Reason"),
                        rx.table.column_header_cell("Asked"),
                    )
                ),
                rx.table.body(rx.foreach(T.refunds, _refund_row)),
                size="1",
                width="100%",
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
        rx.text(receipt["kind"], weight="medium", size="1"),
        rx.text(receipt["recipient"], size="1", style={"overflow_wrap": "anywhere"}),
        rx.badge(receipt["status"], variant="soft", size="1"),
        rx.text(receipt["date"], size="1", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
        data_testid="receipt-row",
    )


def _receipts_list() -> rx.Component:
    return rx.cond(
        T.receipts.length() > 0,
        rx.vstack(
            rx.heading("Emails to the customer", size="2"),
            rx.foreach(T.receipts, _receipt),
            spacing="1",
            width="100%",
        ),
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
                    _fact("Paid", payment["amount"] + " · " + payment["date"]),
                    rx.data_list.item(
                        rx.data_list.label("Status"),
                        rx.data_list.value(
                            rx.badge(
                                payment["status_label"],
                                color_scheme=payment["status_color"],
                                variant="soft",
                                data_testid="refund-payment-status",
                            )
                        ),
                    ),
                    _fact("Refunded", rx.cond(payment["refunded"], payment["refunded"], "—")),
                    _fact(
                        "Left to refund",
                        rx.cond(payment["refundable"], payment["refundable"], "Nothing"),
                    ),
                    size="2",
                ),
                rx.cond(
                    payment["refundable"],
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
                _refunds_list(),
                _receipts_list(),
                spacing="4",
                width="100%",
                margin_top="1em",
            ),
            max_width="560px",
        ),
        open=T.refund_open,
        on_open_change=T.set_refund_open,
    )
