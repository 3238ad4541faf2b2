"""One payment link: what it is (Overview), what it took (Transactions) and how it is
shared (Sharing), with deactivation in the page's actions."""

import reflex as rx

from dashboard import routes
from dashboard.components.dialogs import confirm_dialog
from dashboard.components.layout import app_shell
from dashboard.components.link_detail_sharing import sharing_tab
from dashboard.components.link_detail_transactions import chart_card, transactions_tab
from dashboard.components.panel import empty_state, load_error, spinner
from dashboard.state.link_detail import LinkDetailState as S
from dashboard.state.session import SessionState
from dashboard.state.transactions import TransactionsState

ON_LOAD = [SessionState.require_payments, S.load, TransactionsState.load_transactions]


def _fact(label: str, value: rx.Var | str, **props: object) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label, min_width="120px"), rx.data_list.value(value, **props)
    )


def _optional_fact(label: str, key: str) -> rx.Component:
    return rx.cond(S.link[key], _fact(label, S.link[key]))


def summary() -> rx.Component:
    """The line under the title: status, amount and kind, always in view."""
    return rx.hstack(
        rx.badge(
            S.link["status_label"],
            color_scheme=S.link["status_color"],
            size="2",
            variant="soft",
            data_testid="link-status",
        ),
        rx.text(S.link["amount"], size="5", weight="bold", data_testid="link-amount"),
        rx.text(S.link["type"], size="2", color_scheme="gray"),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def details_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Details", size="3"),
            rx.data_list.root(
                _fact("Amount", S.link["amount"]),
                _fact("Type", S.link["type"]),
                _fact("Status", S.link["status_label"]),
                _fact("Created", S.link["created"]),
                _fact("Expires", S.link["expires"]),
                _optional_fact("Deactivated", "deactivated"),
                _fact("Venue", S.link["venue"]),
                _optional_fact("Reference", "reference"),
                _optional_fact("Description", "description"),
                _fact("Link id", rx.code(S.link["id"], variant="ghost")),
                size="2",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def totals_card() -> rx.Component:
    def total(label: str, key: str) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(S.link[key], size="5", weight="bold"),
            spacing="1",
        )

    return rx.card(
        rx.hstack(
            total("Successful payments", "payments"),
            total("Collected", "collected"),
            total("Refunded", "refunded"),
            spacing="7",
            wrap="wrap",
        ),
        width="100%",
        data_testid="link-totals",
    )


def overview_tab() -> rx.Component:
    return rx.vstack(totals_card(), chart_card(), details_card(), spacing="4", width="100%")


def deactivate_action() -> rx.Component:
    return rx.cond(
        S.found & S.deactivatable,
        confirm_dialog(
            trigger=rx.button(
                rx.icon("ban", size=14),
                "Deactivate",
                color_scheme="red",
                variant="soft",
                loading=S.deactivating,
                data_testid="deactivate",
            ),
            title="Deactivate this link?",
            description="Customers who open it will read that it is no longer active, and it "
            "cannot be paid again. Payments already made and their refunds stay as they are. "
            "This cannot be undone.",
            cancel_label="Keep it active",
            confirm_label="Deactivate link",
            on_confirm=S.deactivate,
            test_id="deactivate-dialog",
            confirm_test_id="deactivate-confirm",
        ),
    )


def _back() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=14),
            rx.text("Payment links", size="2"),
            align="center",
            spacing="1",
        ),
        href=routes.LINKS,
        underline="none",
    )


def link_view() -> rx.Component:
    return rx.vstack(
        summary(),
        rx.cond(
            S.deactivate_notice,
            rx.callout(
                S.deactivate_notice, icon="info", color_scheme="amber", width="100%", role="status"
            ),
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Overview", value="overview"),
                rx.tabs.trigger(
                    "Transactions", value="transactions", data_testid="tab-transactions"
                ),
                rx.tabs.trigger("Sharing", value="sharing", data_testid="tab-sharing"),
            ),
            rx.tabs.content(overview_tab(), value="overview", padding_top="1em"),
            rx.tabs.content(transactions_tab(), value="transactions", padding_top="1em"),
            rx.tabs.content(sharing_tab(), value="sharing", padding_top="1em"),
            default_value="overview",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def not_found_view() -> rx.Component:
    return empty_state(
        "search-x",
        "This payment link was not found",
        "It does not exist in your store. Check the address, or pick the link from the list.",
        "link-not-found",
        rx.link(rx.button("Back to payment links", variant="soft"), href=routes.LINKS),
    )


def page() -> rx.Component:
    return app_shell(
        "links",
        rx.cond(S.found, S.link["title"], "Payment link"),  # type: ignore[arg-type]
        _back(),
        rx.cond(
            S.found,
            link_view(),
            rx.cond(
                S.not_found,
                not_found_view(),
                rx.cond(
                    S.load_error,
                    load_error(S.load_error, [S.load, TransactionsState.load_transactions]),
                    spinner(),
                ),
            ),
        ),
        actions=deactivate_action(),
    )
