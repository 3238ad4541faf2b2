"""Venues: the store's locations, a page at a time, and adding one."""

import reflex as rx

from dashboard.components.cursor_pager import paged_table
from dashboard.components.dialogs import form_dialog
from dashboard.components.field import field
from dashboard.components.layout import app_shell
from dashboard.components.panel import empty_state, rows_or_empty
from dashboard.state.session import SessionState
from dashboard.state.venues import VenuesState as S
from dashboard.venue_rows import ADDRESS_MAX, NAME_MAX, VenueRow

ON_LOAD = [SessionState.require_session, S.load]


def _add_dialog() -> rx.Component:
    return form_dialog(
        S,
        open_label="Add venue",
        title="Add a venue",
        description="A location of your store. Links can belong to one, and lists filter by it.",
        fields=[
            field("name", "Name", S.form_errors, placeholder="Market Street", max_length=NAME_MAX),
            field(
                "address",
                "Address",
                S.form_errors,
                hint="Optional.",
                control=rx.text_area(
                    name="address",
                    id="address",
                    placeholder="12 Market Street, Bristol BS1 1AA",
                    max_length=ADDRESS_MAX,
                    rows="3",
                    width="100%",
                    aria_describedby="address-error",
                ),
            ),
        ],
        submit_label="Add venue",
        on_submit=S.add,
        test_id="add-venue",
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
    return paged_table(
        S,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Name"),
                    rx.table.column_header_cell("Address"),
                    rx.table.column_header_cell("Created"),
                    rx.table.column_header_cell("ID"),
                )
            ),
            rx.table.body(rx.foreach(S.venues, _row)),
            variant="surface",
            width="100%",
        ),
        "venues",
    )


def page() -> rx.Component:
    return app_shell(
        "venues",
        "Venues",
        rows_or_empty(
            load_error_message=S.load_error,
            has_rows=S.venues.length() > 0,
            loaded=S.loaded,
            rows=_table(),
            empty=empty_state(
                "map-pin",
                "No venues yet",
                "Add your shops, stalls or sites to tell their payment links apart.",
                "venues-empty",
            ),
            on_retry=S.retry,
        ),
        actions=_add_dialog(),
    )
