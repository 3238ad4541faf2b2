"""The chart of a link's successful payments per day: the amount collected (bars) and
the number of payments (a line), every day of its range shown, the empty ones at zero."""

import reflex as rx

from dashboard.state.transactions import TransactionsState as T

#: The axes' labels: small, in the page's secondary text colour.
TICK = {"fontSize": 12, "fill": "var(--gray-11)"}

AMOUNT_AS_MONEY = rx.Var(
    _js_expr=(
        "((value, name, item) => (item && item.dataKey === 'amount' && item.payload)"
        " ? item.payload.total : value)"
    )
)


def chart_card() -> rx.Component:
    chart = rx.recharts.composed_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        # One day a slot from the range's start to its end; labels thinned to fit.
        rx.recharts.x_axis(data_key="day", tick=TICK, min_tick_gap=12),
        rx.recharts.y_axis(y_axis_id="amount", width=52, tick=TICK),
        rx.recharts.y_axis(
            y_axis_id="count", orientation="right", allow_decimals=False, width=32, tick=TICK
        ),
        rx.recharts.bar(
            data_key="amount",
            name="Amount collected (" + T.currency + ")",
            y_axis_id="amount",
            fill="var(--accent-9)",
            radius=[3, 3, 0, 0],
            max_bar_size=48,
            is_animation_active=False,
        ),
        rx.recharts.line(
            data_key="payments",
            name="Payments",
            y_axis_id="count",
            stroke="var(--grass-9)",
            stroke_width=2,
            type_="linear",
            dot=False,
            # Drawn at once: a growing line reads as "no payments" on the later days.
            is_animation_active=False,
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
