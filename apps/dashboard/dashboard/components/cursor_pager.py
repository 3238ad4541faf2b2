"""Previous / Next under a table paged with the API's cursors (a ``CursorPages`` state)."""

from typing import Any

import reflex as rx


def cursor_pager(state: Any, test_id: str) -> rx.Component:
    """Shown once there is more than one page; ``{test_id}-previous`` / ``-next``."""
    return rx.cond(
        state.has_previous | state.has_more,
        rx.hstack(
            rx.text(
                state.rows_shown, size="2", color_scheme="gray", data_testid=f"{test_id}-shown"
            ),
            rx.spacer(),
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                variant="soft",
                color_scheme="gray",
                disabled=~state.has_previous | state.loading,
                on_click=state.previous_page,
                data_testid=f"{test_id}-previous",
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                variant="soft",
                color_scheme="gray",
                disabled=~state.has_more | state.loading,
                on_click=state.next_page,
                data_testid=f"{test_id}-next",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.fragment(),
    )


def paged_table(state: Any, table: rx.Component, test_id: str) -> rx.Component:
    """The table of one page, dimmed while another loads, with the pager under it."""
    return rx.vstack(
        rx.box(table, width="100%", overflow_x="auto"),
        cursor_pager(state, test_id),
        spacing="3",
        width="100%",
        opacity=rx.cond(state.loading, "0.6", "1"),
    )
