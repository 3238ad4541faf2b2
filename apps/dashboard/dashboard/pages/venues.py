"""Venues: the store's locations, a page at a time, and adding one."""

import reflex as rx

from dashboard.components.cursor_pager import paged_table
from dashboard.components.dialogs import form_dialog
from dashboard.components.field import field
from dashboard.components.layout import app_shell
from dashboard.components.panel import empty_state, rows_or_empty
from dashboard.components.stacked_table import cell, head, header_cell, stacked_table
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
        header_cell(rx.text(venue.name, weight="medium")),
        cell(
            "Address",
            rx.cond(venue.address, rx.text(venue.address), rx.text("—", color_scheme="gray")),
        ),
        cell("Created", rx.text(venue.created, size="2", color_scheme="gray")),
        cell("ID", rx.code(venue.id, size="1", variant="ghost", color_scheme="gray")),
        data_testid="venue-row",
    )


def _table() -> rx.Component:
    return paged_table(
        S,
        stacked_table(
            head("Name", "Address", "Created", "ID"),
            rx.table.body(rx.foreach(S.venues, _row)),
            variant="surface",
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
