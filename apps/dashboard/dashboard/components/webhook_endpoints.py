"""Developers > Webhooks: the endpoints, adding one, its signing secret shown once,
rotating, enabling / disabling and deleting."""

import reflex as rx

from dashboard.components.dialogs import confirm_dialog, form_dialog, secret_once_dialog
from dashboard.components.field import error_text, field
from dashboard.components.panel import empty_state, panel_intro, rows_or_empty
from dashboard.components.stacked_table import cell, head, header_cell, stacked_table
from dashboard.developer_rows import EVENT_FIELD_PREFIX, EVENT_TYPES, EndpointRow
from dashboard.display import BADGE_COLORS
from dashboard.state.webhooks import WebhooksState as S


def _event_choices() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text("Events", size="2", weight="medium")),
        rx.text(
            "Leave every box unticked to receive all events, including types added later.",
            size="1",
            color_scheme="gray",
        ),
        rx.grid(
            # Each box named by its event type (its own label: one label, one name).
            *[
                rx.checkbox(event_type, name=f"{EVENT_FIELD_PREFIX}{event_type}", size="2")
                for event_type in EVENT_TYPES
            ],
            columns={"initial": "1", "sm": "2"},
            spacing="2",
            margin_top="8px",
        ),
        error_text("events", S.form_errors.get("events", "")),
        class_name="pl-fieldset",
    )


def _add_dialog() -> rx.Component:
    return form_dialog(
        S,
        open_label="Add endpoint",
        title="Add a webhook endpoint",
        description="Paylinks POSTs each event to this URL, signed with the endpoint's secret "
        "(Standard Webhooks), and retries until it answers 2xx.",
        fields=[
            field(
                "url",
                "Endpoint URL",
                S.form_errors,
                input_mode="url",
                placeholder="https://example.com/webhooks/paylinks",
                spell_check=False,
            ),
            _event_choices(),
        ],
        submit_label="Add endpoint",
        on_submit=S.add,
        test_id="add-endpoint",
        max_width="560px",
    )


def _status(endpoint: EndpointRow) -> rx.Component:
    return rx.badge(
        endpoint.status,
        color_scheme=rx.match(
            endpoint.status,
            *[(status, BADGE_COLORS[status]) for status in ("enabled", "disabled", "failing")],
            "gray",
        ),
        data_testid="endpoint-status",
    )


def _actions(endpoint: EndpointRow) -> rx.Component:
    busy = S.toggling_id == endpoint.id
    return rx.hstack(
        rx.cond(
            endpoint.enabled,
            rx.button(
                "Disable",
                size="1",
                variant="soft",
                color_scheme="gray",
                loading=busy,
                on_click=S.set_enabled(endpoint.id, False),
                data_testid="disable-endpoint",
            ),
            rx.button(
                "Enable",
                size="1",
                variant="soft",
                loading=busy,
                on_click=S.set_enabled(endpoint.id, True),
                data_testid="enable-endpoint",
            ),
        ),
        rx.button(
            "Rotate secret",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=S.ask_rotate(endpoint.id, endpoint.url),
            data_testid="rotate-endpoint",
        ),
        rx.button(
            "Delete",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=S.ask_delete(endpoint.id, endpoint.url),
            data_testid="delete-endpoint",
        ),
        spacing="2",
        justify="end",
        padding_left="12px",
    )


def _row(endpoint: EndpointRow) -> rx.Component:
    return rx.table.row(
        header_cell(
            rx.vstack(
                rx.text(endpoint.url, weight="medium", class_name="pl-break"),
                rx.code(endpoint.id, size="1", variant="ghost", color_scheme="gray"),
                spacing="1",
            )
        ),
        cell("Events", rx.text(endpoint.events, size="2", min_width="140px")),
        cell("Status", _status(endpoint)),
        cell("Created", rx.text(endpoint.created, size="2", color_scheme="gray")),
        cell("", _actions(endpoint), wide=True),
        data_testid="endpoint-row",
    )


def _table() -> rx.Component:
    return stacked_table(
        head("URL", "Events", "Status", "Created", ""),
        rx.table.body(rx.foreach(S.endpoints, _row)),
        variant="surface",
    )


def webhook_endpoints_panel() -> rx.Component:
    return rx.vstack(
        panel_intro(
            "Get told when links are created, paid or refunded: Paylinks sends each event "
            "to your endpoints and logs every attempt (see the Delivery log).",
            _add_dialog(),
        ),
        rows_or_empty(
            load_error_message=S.load_error,
            has_rows=S.endpoints.length() > 0,
            loaded=S.loaded,
            rows=_table(),
            empty=empty_state(
                "webhook",
                "No webhook endpoints",
                "Add the URL of your server to receive events as they happen.",
                "endpoints-empty",
            ),
            on_retry=S.load,
        ),
        secret_once_dialog(
            S,
            title="Signing secret",
            description=rx.text(
                "Verify the webhook-signature header of deliveries to ",
                rx.text.strong(S.new_secret_for, class_name="pl-break"),
                " with this secret:",
            ),
            test_id="endpoint-secret",
        ),
        confirm_dialog(
            is_open=S.confirm_asked,
            title=rx.cond(S.confirm_is_delete, "Delete this endpoint?", "Rotate the secret?"),
            description=rx.cond(
                S.confirm_is_delete,
                rx.text(
                    "Events will no longer be sent to ",
                    rx.text.strong(S.confirm_name, class_name="pl-break"),
                    ". Deliveries already logged stay in the log.",
                ),
                rx.text(
                    "A new secret signs deliveries to ",
                    rx.text.strong(S.confirm_name, class_name="pl-break"),
                    " from now on. For 24 hours they are signed with the old one too, "
                    "so you can switch your server over.",
                ),
            ),
            confirm_label=rx.cond(S.confirm_is_delete, "Delete endpoint", "Rotate secret"),
            on_confirm=S.confirm,
            on_open_change=S.confirm_dialog_changed,
            busy=S.confirming,
            test_id="endpoint-confirm",
        ),
        spacing="4",
        width="100%",
    )
