"""Developers: API keys, webhook endpoints and the delivery log of events."""

import reflex as rx

from dashboard.components.api_keys import api_keys_panel
from dashboard.components.delivery_log import delivery_log_panel
from dashboard.components.layout import app_shell
from dashboard.components.webhook_endpoints import webhook_endpoints_panel
from dashboard.state.api_keys import ApiKeysState
from dashboard.state.event_log import EventLogState
from dashboard.state.session import SessionState
from dashboard.state.webhooks import WebhooksState

ON_LOAD = [
    SessionState.require_session,
    ApiKeysState.load,
    WebhooksState.load,
    EventLogState.load,
]


def page() -> rx.Component:
    return app_shell(
        "developers",
        "Developers",
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("API keys", value="keys", data_testid="tab-keys"),
                rx.tabs.trigger("Webhooks", value="webhooks", data_testid="tab-webhooks"),
                rx.tabs.trigger("Delivery log", value="log", data_testid="tab-log"),
            ),
            rx.tabs.content(api_keys_panel(), value="keys", padding_top="1.25em"),
            rx.tabs.content(webhook_endpoints_panel(), value="webhooks", padding_top="1.25em"),
            rx.tabs.content(delivery_log_panel(), value="log", padding_top="1.25em"),
            default_value="keys",
            width="100%",
        ),
    )
