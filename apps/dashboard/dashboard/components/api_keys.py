"""Developers > API keys: the table, the create dialog, the secret shown once, revoking."""

import reflex as rx

from dashboard.components.cursor_pager import paged_table
from dashboard.components.dialogs import confirm_dialog, form_dialog, secret_once_dialog
from dashboard.components.field import field
from dashboard.components.panel import empty_state, panel_intro, rows_or_empty
from dashboard.components.stacked_table import cell, head, header_cell, stacked_table
from dashboard.developer_rows import ApiKeyRow
from dashboard.state.api_keys import ApiKeysState as S


def _create_dialog() -> rx.Component:
    return form_dialog(
        S,
        open_label="Create API key",
        title="Create an API key",
        description="The key can do everything in this store through the API: "
        "give it only to code you trust.",
        fields=[
            field(
                "name",
                "Name",
                S.form_errors,
                placeholder="Accounting sync",
                hint="What uses it, so you know which to revoke later.",
                max_length=120,
            )
        ],
        submit_label="Create key",
        on_submit=S.create,
        test_id="create-key",
    )


def _status(key: ApiKeyRow) -> rx.Component:
    return rx.cond(
        key.revoked,
        rx.badge("Revoked", color_scheme="gray"),
        rx.badge("Active", color_scheme="green"),
    )


def _row(key: ApiKeyRow) -> rx.Component:
    return rx.table.row(
        header_cell(
            rx.text(
                key.name,
                weight="medium",
                color=rx.cond(key.revoked, "var(--gray-11)", "inherit"),
            )
        ),
        cell("Key", rx.code(key.last4, variant="ghost")),
        cell("Created", rx.text(key.created, size="2", color_scheme="gray")),
        cell("Status", _status(key)),
        cell(
            "",
            rx.cond(
                key.revoked,
                rx.text("Revoked ", key.revoked_on, size="1", color_scheme="gray"),
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_revoke(key.id, key.name),
                    data_testid="revoke-key",
                ),
            ),
            text_align="right",
        ),
        data_testid="key-row",
    )


def _table() -> rx.Component:
    return paged_table(
        S,
        stacked_table(
            head("Name", "Key", "Created", "Status", ""),
            rx.table.body(rx.foreach(S.keys, _row)),
            variant="surface",
        ),
        "keys",
    )


def api_keys_panel() -> rx.Component:
    return rx.vstack(
        panel_intro(
            rx.fragment(
                "Integrations and AI agents call the API with a key: ",
                rx.code("Authorization: Bearer sk_…"),
            ),
            _create_dialog(),
        ),
        rows_or_empty(
            load_error_message=S.load_error,
            has_rows=S.keys.length() > 0,
            loaded=S.loaded,
            rows=_table(),
            empty=empty_state(
                "key-round",
                "No API keys",
                "Create one to connect your own code or an AI agent to this store.",
                "keys-empty",
            ),
            on_retry=S.retry,
        ),
        secret_once_dialog(
            S,
            title="Your new API key",
            description=rx.text("The secret of “", S.new_secret_for, "”:"),
            test_id="key-secret",
        ),
        confirm_dialog(
            is_open=S.confirm_asked,
            title="Revoke this API key?",
            description=rx.text(
                "Requests with “",
                S.confirm_name,
                "” will be refused at once. This cannot be undone.",
            ),
            confirm_label="Revoke key",
            on_confirm=S.confirm,
            on_open_change=S.confirm_dialog_changed,
            busy=S.confirming,
            test_id="revoke-dialog",
        ),
        spacing="4",
        width="100%",
    )
