"""Developers > Delivery log: recent events and, per event, each endpoint's delivery with
its attempts and a Redeliver button."""

import reflex as rx

from dashboard import routes
from dashboard.components.panel import empty_state, panel_intro, rows_or_empty
from dashboard.components.stacked_table import cell, head, header_cell, stacked_table
from dashboard.developer_rows import AttemptRow, DeliveryRow, EventRow
from dashboard.display import BADGE_COLORS
from dashboard.state.event_log import EventLogState as S

#: The path of a payment link's page, without its id.
LINKS_PATH = routes.link("")
DELIVERY_STATUSES = ("succeeded", "failed", "queued", "retrying")


def _delivery_badge(status: rx.Var) -> rx.Component:
    return rx.badge(
        rx.match(status, ("not_sent", "not sent"), status),
        color_scheme=rx.match(status, *[(s, BADGE_COLORS[s]) for s in DELIVERY_STATUSES], "gray"),
        data_testid="delivery-status",
    )


def _attempt(attempt: AttemptRow) -> rx.Component:
    return rx.table.row(
        cell("Attempted", rx.text(attempt.at)),
        cell(
            "Result",
            rx.text(
                attempt.outcome,
                color_scheme=rx.cond(attempt.ok, "green", "red"),
                weight="medium",
            ),
        ),
        cell("Took", rx.text(attempt.duration, white_space="nowrap")),
        cell(
            "Response",
            rx.code(attempt.excerpt, size="1", variant="ghost", class_name="pl-break"),
            wide=True,
        ),
    )


def _attempts(delivery: DeliveryRow) -> rx.Component:
    return rx.cond(
        delivery.attempt_log.length() > 0,
        stacked_table(
            head("Attempted", "Result", "Took", "Response"),
            rx.table.body(rx.foreach(delivery.attempt_log, _attempt)),
            size="1",
        ),
        rx.text("No attempt yet.", size="2", color_scheme="gray"),
    )


def _delivery(delivery: DeliveryRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(delivery.endpoint_url, weight="medium", class_name="pl-break"),
                    rx.hstack(
                        _delivery_badge(delivery.status),
                        rx.text(
                            delivery.attempts,
                            rx.cond(delivery.attempts == 1, " attempt", " attempts"),
                            " logged",
                            size="1",
                            color_scheme="gray",
                        ),
                        rx.cond(
                            delivery.next_retry,
                            rx.text("· next retry ", delivery.next_retry, size="1"),
                            rx.fragment(),
                        ),
                        align="center",
                        spacing="2",
                    ),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.cond(
                    delivery.endpoint_exists,
                    rx.button(
                        rx.icon("send", size=14),
                        rx.cond(delivery.status == "not_sent", "Send", "Redeliver"),
                        size="1",
                        variant="soft",
                        loading=S.redelivering == delivery.endpoint_id,
                        disabled=S.redelivering != "",
                        on_click=S.redeliver(delivery.endpoint_id),
                        data_testid="redeliver",
                    ),
                    rx.fragment(),
                ),
                align="start",
                width="100%",
            ),
            _attempts(delivery),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="delivery",
    )


def _deliveries_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title(rx.code(S.event_type, variant="ghost", size="5")),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    variant="soft",
                    color_scheme="gray",
                    loading=S.deliveries_loading,
                    on_click=S.refresh_deliveries,
                    aria_label="Refresh deliveries",
                ),
                align="center",
                width="100%",
            ),
            rx.dialog.description(
                rx.code(S.event_id, variant="ghost", color_scheme="gray"),
                size="2",
                margin_bottom="12px",
            ),
            rows_or_empty(
                load_error_message=S.deliveries_error,
                has_rows=S.deliveries.length() > 0,
                loaded=~S.deliveries_loading,
                rows=rx.vstack(rx.foreach(S.deliveries, _delivery), spacing="3", width="100%"),
                empty=rx.text(
                    "No endpoint receives this event. Add one under Webhooks.",
                    size="2",
                    color_scheme="gray",
                ),
                on_retry=S.refresh_deliveries,
            ),
            rx.flex(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="16px",
            ),
            max_width="820px",
            data_testid="deliveries-dialog",
        ),
        open=S.event_open,
        on_open_change=S.deliveries_dialog_changed,
    )


def _row(event: EventRow) -> rx.Component:
    return rx.table.row(
        header_cell(
            rx.vstack(
                rx.code(event.type, variant="ghost", weight="medium", class_name="pl-break"),
                rx.code(event.id, size="1", variant="ghost", color_scheme="gray"),
                spacing="1",
            )
        ),
        cell(
            "Payment link",
            rx.link(
                rx.code(event.link_id, size="1", variant="ghost"),
                href=LINKS_PATH + event.link_id,
                underline="hover",
            ),
        ),
        cell("Created", rx.text(event.created, size="2", color_scheme="gray")),
        cell(
            "",
            rx.button(
                "Deliveries",
                rx.icon("chevron-right", size=14),
                size="1",
                variant="soft",
                on_click=S.open_event(event.id, event.type),
                data_testid="open-event",
            ),
            text_align="right",
        ),
        data_testid="event-row",
    )


def _table() -> rx.Component:
    return rx.vstack(
        stacked_table(
            head("Event", "Payment link", "Created", ""),
            rx.table.body(rx.foreach(S.events, _row)),
            variant="surface",
        ),
        rx.cond(
            S.has_more,
            rx.center(
                rx.button(
                    "Load older events",
                    variant="soft",
                    color_scheme="gray",
                    loading=S.loading,
                    on_click=S.older,
                    data_testid="older-events",
                ),
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="3",
        width="100%",
    )


def delivery_log_panel() -> rx.Component:
    return rx.vstack(
        panel_intro(
            "What happened in your store, newest first, and how each webhook delivery went.",
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Refresh",
                variant="soft",
                color_scheme="gray",
                loading=S.loading,
                on_click=S.refresh,
                data_testid="refresh-events",
            ),
        ),
        rows_or_empty(
            load_error_message=S.load_error,
            has_rows=S.events.length() > 0,
            loaded=S.loaded,
            rows=_table(),
            empty=empty_state(
                "activity",
                "No events yet",
                "Events appear here when payment links are created, paid or refunded.",
                "events-empty",
            ),
            on_retry=S.refresh,
        ),
        _deliveries_dialog(),
        spacing="4",
        width="100%",
    )
