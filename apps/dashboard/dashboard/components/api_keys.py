"""Developers > API keys: the table, the create dialog, the secret shown once, revoking."""

import reflex as rx

from dashboard.components.cursor_pager import cursor_pager
from dashboard.components.field import field, notice
from dashboard.components.panel import (
    confirm_dialog,
    empty_state,
    load_error,
    loading_or,
    panel_intro,
)
from dashboard.components.secret_once import secret_once_dialog
from dashboard.developer_rows import ApiKeyRow
from dashboard.state.api_keys import ApiKeysState as S


def _create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), "Create API key", data_testid="create-key"),
        ),
        rx.dialog.content(
            rx.dialog.title("Create an API key"),
            rx.dialog.description(
                "The key can do everything in this store through the API: "
                "give it only to code you trust.",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="form_key", value=S.form_key, read_only=True),
                    field(
                        "name",
                        "Name",
                        S.create_errors,
                        placeholder="Accounting sync",
                        hint="What uses it, so you know which to revoke later.",
                        max_length=120,
                    ),
                    notice(S.create_notice),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            "Create key",
                            type="submit",
                            loading=S.creating,
                            data_testid="create-key-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.create,
            ),
            max_width="480px",
        ),
        open=S.create_open,
        on_open_change=S.show_create_form,
    )


def _status(key: ApiKeyRow) -> rx.Component:
    return rx.cond(
        key.revoked,
        rx.badge("Revoked", color_scheme="gray"),
        rx.badge("Active", color_scheme="green"),
    )


def _row(key: ApiKeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(
                key.name,
                weight="medium",
                color=rx.cond(key.revoked, "var(--gray-10)", "inherit"),
            )
        ),
        rx.table.cell(rx.code(key.last4, variant="ghost")),
        rx.table.cell(rx.text(key.created, size="2", color_scheme="gray", white_space="nowrap")),
        rx.table.cell(_status(key)),
        rx.table.cell(
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
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Name"),
                    rx.table.column_header_cell("Key"),
                    rx.table.column_header_cell("Created"),
                    rx.table.column_header_cell("Status"),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(rx.foreach(S.keys, _row)),
            variant="surface",
            width="100%",
        ),
        cursor_pager(
            page_number=S.page_number,
            has_previous=S.has_previous,
            has_more=S.has_more,
            on_previous=S.previous_page,
            on_next=S.next_page,
            loading=S.loading,
        ),
        spacing="3",
        width="100%",
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
        rx.cond(
            S.load_error,
            load_error(S.load_error),
            rx.cond(
                S.keys.length() > 0,
                _table(),
                loading_or(
                    S.loading,
                    empty_state(
                        "key-round",
                        "No API keys",
                        "Create one to connect your own code or an AI agent to this store.",
                        "keys-empty",
                    ),
                ),
            ),
        ),
        secret_once_dialog(
            is_open=S.secret_shown,
            title="Your new API key",
            description=rx.text("The secret of “", S.new_secret_name, "”:"),
            secret=S.new_secret,
            on_open_change=S.secret_dialog_changed,
            on_done=S.forget_secret,
            test_id="key-secret",
        ),
        confirm_dialog(
            is_open=S.revoke_asked,
            title="Revoke this API key?",
            description=rx.text(
                "Requests with “",
                S.revoke_name,
                "” will be refused at once. This cannot be undone.",
            ),
            confirm_label="Revoke key",
            on_confirm=S.revoke,
            on_open_change=S.revoke_dialog_changed,
            busy=S.revoking,
            test_id="revoke-dialog",
        ),
        spacing="4",
        width="100%",
    )
