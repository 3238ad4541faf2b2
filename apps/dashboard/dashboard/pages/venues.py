"""Venues: the store's locations and adding one."""

import reflex as rx

from dashboard.components.cursor_pager import cursor_pager
from dashboard.components.field import field, notice
from dashboard.components.layout import app_shell
from dashboard.state.session import SessionState
from dashboard.state.venues import VenuesState
from dashboard.venue_rows import VenueRow

ON_LOAD = [SessionState.require_session, VenuesState.load]


def _add_dialog() -> rx.Component:
    errors = VenuesState.add_errors
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), "Add venue", data_testid="add-venue"),
        ),
        rx.dialog.content(
            rx.dialog.title("Add a venue"),
            rx.dialog.description(
                "A location of your store. Links can belong to one, and lists filter by it.",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.el.input(
                        type="hidden", name="form_key", value=VenuesState.form_key, read_only=True
                    ),
                    field("name", "Name", errors, placeholder="Market Street", max_length=120),
                    field(
                        "address",
                        "Address",
                        errors,
                        hint="Optional.",
                        control=rx.text_area(
                            name="address",
                            id="address",
                            placeholder="12 Market Street, Bristol BS1 1AA",
                            max_length=300,
                            rows="3",
                            width="100%",
                            aria_describedby="address-error",
                        ),
                    ),
                    notice(VenuesState.add_notice),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            "Add venue",
                            type="submit",
                            loading=VenuesState.adding,
                            data_testid="add-venue-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=VenuesState.add,
            ),
            max_width="480px",
        ),
        open=VenuesState.add_open,
        on_open_change=VenuesState.show_add_form,
    )


def _row(venue: VenueRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(venue.name, weight="medium")),
        rx.table.cell(
            rx.cond(venue.address, rx.text(venue.address), rx.text("—", color_scheme="gray"))
        ),
        rx.table.cell(rx.text(venue.created, size="2", color_scheme="gray", white_space="nowrap")),
        rx.table.cell(rx.code(venue.id, size="1", variant="ghost", color_scheme="gray")),
        data_testid="venue-row",
    )


def _table() -> rx.Component:
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Name"),
                    rx.table.column_header_cell("Address"),
                    rx.table.column_header_cell("Created"),
                    rx.table.column_header_cell("ID"),
                )
            ),
            rx.table.body(rx.foreach(VenuesState.venues, _row)),
            variant="surface",
            width="100%",
        ),
        cursor_pager(
            page_number=VenuesState.page_number,
            has_previous=VenuesState.has_previous,
            has_more=VenuesState.has_more,
            on_previous=VenuesState.previous_page,
            on_next=VenuesState.next_page,
            loading=VenuesState.loading,
        ),
        spacing="3",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("map-pin", size=28, color="var(--gray-9)"),
            rx.heading("No venues yet", size="4"),
            rx.text(
                "Add your shops, stalls or sites to tell their payment links apart.",
                size="2",
                color_scheme="gray",
            ),
            align="center",
            spacing="2",
            padding="2em",
        ),
        width="100%",
        data_testid="venues-empty",
    )


def _content() -> rx.Component:
    return rx.cond(
        VenuesState.load_error,
        rx.callout(
            VenuesState.load_error,
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
        rx.cond(
            VenuesState.venues.length() > 0,
            _table(),
            rx.cond(VenuesState.loading, rx.center(rx.spinner(size="3"), padding="3em"), _empty()),
        ),
    )


def page() -> rx.Component:
    return app_shell("venues", "Venues", _content(), actions=_add_dialog())
