"""One payment link: how to share it first (URL, QR, Send), then what it is (Overview,
with its Setup), what it took (Transactions) and where it was sent (Sends); Edit,
Duplicate and Deactivate or Reactivate in the page's actions."""

import reflex as rx

from dashboard import routes
from dashboard.components.layout import app_shell
from dashboard.components.link_actions import link_actions
from dashboard.components.link_detail_sharing import sharing_tab
from dashboard.components.link_detail_transactions import chart_card, transactions_tab
from dashboard.components.link_setup import setup_card
from dashboard.components.link_share import share_header
from dashboard.components.panel import empty_state, load_error, spinner
from dashboard.state.link_detail import LinkDetailState as S
from dashboard.state.session import SessionState
from dashboard.state.transactions import TransactionsState

ON_LOAD = [SessionState.require_payments, S.load, TransactionsState.load_transactions]


def summary() -> rx.Component:
    """The line under the title: status, amount and kind, always in view."""
    return rx.hstack(
        rx.badge(
            S.link.status_label,
            color_scheme=S.link.status_color,
            size="2",
            variant="soft",
            high_contrast=True,
            data_testid="link-status",
        ),
        rx.text(S.link.amount, size="5", weight="bold", data_testid="link-amount"),
        rx.text(S.link.type, size="2", color_scheme="gray"),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _fact(label: str, value: rx.Var | rx.Component) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label, min_width="130px"), rx.data_list.value(value)
    )


def totals_card() -> rx.Component:
    def total(label: str, value: rx.Var) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="5", weight="bold"),
            spacing="1",
        )

    facts = rx.data_list.root(
        _fact("Created", S.link.created),
        rx.cond(S.link.deactivated, _fact("Deactivated", S.link.deactivated)),
        _fact("Link id", rx.code(S.link.id, variant="ghost", class_name="pl-wrap")),
        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
        size="2",
    )
    return rx.card(
        rx.vstack(
            rx.flex(
                total("Successful payments", S.link.payments),
                total("Collected", S.link.collected),
                total("Refunded", S.link.refunded),
                spacing="6",
                wrap="wrap",
            ),
            facts,
            spacing="4",
        ),
        width="100%",
        data_testid="link-totals",
    )


def overview_tab() -> rx.Component:
    return rx.vstack(totals_card(), chart_card(), setup_card(), spacing="4", width="100%")


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
            S.status_notice,
            rx.callout(
                S.status_notice,
                icon="info",
                color_scheme="amber",
                width="100%",
                role="status",
                data_testid="status-notice",
            ),
        ),
        share_header(),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Overview", value="overview"),
                rx.tabs.trigger(
                    "Transactions", value="transactions", data_testid="tab-transactions"
                ),
                rx.tabs.trigger("Sends", value="sharing", data_testid="tab-sharing"),
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
        rx.button("Back to payment links", variant="soft", on_click=rx.redirect(routes.LINKS)),
    )


def page() -> rx.Component:
    return app_shell(
        "links",
        rx.cond(S.found, S.link.title, "Payment link"),  # type: ignore[arg-type]
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
        actions=link_actions(),
    )
