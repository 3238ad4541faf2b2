"""Payments > Payment Links: filters, search, the table and its pages."""

import reflex as rx

from dashboard import routes
from dashboard.components.cursor_pager import paged_table
from dashboard.components.layout import app_shell
from dashboard.components.links_table import links_table
from dashboard.components.panel import empty_state, link_button, rows_or_empty
from dashboard.link_rows import ALL, STATUS_CHOICES, TYPE_CHOICES
from dashboard.state.links import LinksState
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments, LinksState.open_page]


def _create_button() -> rx.Component:
    return link_button(
        rx.icon("plus", size=16, aria_hidden="true"),
        "Create link",
        href=routes.NEW_LINK,
        size="2",
        data_testid="create-link",
    )


def _select(
    choices: list[tuple[str, str]], value: rx.Var, on_change: rx.EventHandler, label: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="140px"),
        rx.select.content(*[rx.select.item(text, value=key) for key, text in choices]),
        value=value,
        on_change=on_change,
        size="2",
    )


def _venue_filter() -> rx.Component:
    return rx.cond(
        LinksState.venues.length() > 0,  # type: ignore[attr-defined]
        rx.select.root(
            rx.select.trigger(aria_label="Venue", min_width="160px"),
            rx.select.content(
                rx.select.item("All venues", value=ALL),
                rx.foreach(
                    LinksState.venues,
                    lambda venue: rx.select.item(venue["name"], value=venue["id"]),
                ),
            ),
            value=LinksState.venue_filter,
            on_change=LinksState.set_venue_filter,
            size="2",
        ),
        rx.fragment(),
    )


def filters() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Search title or reference",
            value=LinksState.query,
            on_change=LinksState.search,
            debounce_timeout=400,
            aria_label="Search title or reference",
            max_length=120,
            width="100%",
            max_width="280px",
            data_testid="links-search",
        ),
        _select(STATUS_CHOICES, LinksState.status_filter, LinksState.set_status_filter, "Status"),
        _select(TYPE_CHOICES, LinksState.type_filter, LinksState.set_type_filter, "Type"),
        _venue_filter(),
        rx.cond(
            LinksState.filtered,
            rx.button(
                "Clear filters",
                variant="ghost",
                color_scheme="gray",
                on_click=LinksState.clear_filters,
            ),
            rx.fragment(),
        ),
        rx.spacer(),
        rx.cond(LinksState.loading, rx.spinner(size="2"), rx.fragment()),
        spacing="3",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _empty_state() -> rx.Component:
    return rx.cond(
        LinksState.filtered,
        empty_state(
            "search-x",
            "No links match these filters",
            "Try another search or clear the filters.",
            "links-empty",
            rx.button("Clear filters", variant="soft", on_click=LinksState.clear_filters),
        ),
        empty_state(
            "link",
            "Create your first payment link",
            "Set a title and an amount, then share the link by URL, email, SMS or QR code. "
            "Customers pay on a hosted checkout page.",
            "links-empty",
            _create_button(),
        ),
    )


def page() -> rx.Component:
    return app_shell(
        "links",
        "Payment links",
        filters(),
        rows_or_empty(
            load_error_message=LinksState.load_error,
            has_rows=LinksState.rows.length() > 0,  # type: ignore[attr-defined]
            loaded=LinksState.loaded,
            rows=paged_table(LinksState, links_table(), "links"),
            empty=_empty_state(),
            on_retry=LinksState.retry,
        ),
        actions=_create_button(),
    )
