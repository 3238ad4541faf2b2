"""Payments > Payment Links: filters, search, the table and its pages."""

import reflex as rx

from dashboard import routes
from dashboard.components.layout import app_shell
from dashboard.components.links_table import links_table
from dashboard.link_rows import ALL, STATUS_CHOICES, TYPE_CHOICES
from dashboard.state.links import LinksState
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments, LinksState.open_page]


def _create_button(label: str = "Create link") -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), label, size="2"),
        href=routes.NEW_LINK,
        data_testid="create-link",
    )


def _select(
    choices: list[tuple[str, str]], value: rx.Var, on_change: rx.EventHandler, label: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="150px"),
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
            width="280px",
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
    no_match = rx.vstack(
        rx.icon("search-x", size=32, color="var(--gray-9)"),
        rx.heading("No links match these filters", size="4"),
        rx.text("Try another search or clear the filters.", color_scheme="gray"),
        rx.button("Clear filters", variant="soft", on_click=LinksState.clear_filters),
        align="center",
        spacing="3",
    )
    first_link = rx.vstack(
        rx.icon("link", size=32, color="var(--accent-9)"),
        rx.heading("Create your first payment link", size="4"),
        rx.text(
            "Set a title and an amount, then share the link by URL, email, SMS or QR code. "
            "Customers pay on a hosted checkout page.",
            color_scheme="gray",
            text_align="center",
            max_width="440px",
        ),
        _create_button("Create link"),
        align="center",
        spacing="3",
    )
    return rx.card(
        rx.center(rx.cond(LinksState.filtered, no_match, first_link), padding="3em 1em"),
        width="100%",
        data_testid="links-empty",
    )


def _load_error() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(LinksState.load_error),
            rx.button("Try again", size="1", variant="soft", on_click=LinksState.retry),
            align="center",
            spacing="3",
        ),
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        width="100%",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text("Page ", LinksState.page_number, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Previous",
            variant="soft",
            color_scheme="gray",
            disabled=~LinksState.has_previous | LinksState.loading,
            on_click=LinksState.previous_page,
            data_testid="links-previous",
        ),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            variant="soft",
            color_scheme="gray",
            disabled=~LinksState.has_more | LinksState.loading,
            on_click=LinksState.next_page,
            data_testid="links-next",
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.cond(
        LinksState.load_error,
        _load_error(),
        rx.cond(
            LinksState.rows.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.box(links_table(), width="100%", overflow_x="auto"),
                rx.cond(LinksState.has_more | LinksState.has_previous, pager(), rx.fragment()),
                spacing="3",
                width="100%",
                opacity=rx.cond(LinksState.loading, "0.6", "1"),
            ),
            rx.cond(
                LinksState.loaded,
                _empty_state(),
                rx.center(rx.spinner(size="3"), padding="3em", width="100%"),
            ),
        ),
    )


def page() -> rx.Component:
    return app_shell("links", "Payment links", filters(), _body(), actions=_create_button())
