"""Previous / Next under a table paged with the API's cursors."""

import reflex as rx


def cursor_pager(
    *,
    page_number: rx.Var,
    has_previous: rx.Var,
    has_more: rx.Var,
    on_previous: rx.EventHandler,
    on_next: rx.EventHandler,
    loading: rx.Var,
) -> rx.Component:
    return rx.cond(
        has_previous | has_more,
        rx.hstack(
            rx.text("Page ", page_number, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                variant="soft",
                color_scheme="gray",
                disabled=~has_previous | loading,
                on_click=on_previous,
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                variant="soft",
                color_scheme="gray",
                disabled=~has_more | loading,
                on_click=on_next,
            ),
            align="center",
            width="100%",
        ),
        rx.fragment(),
    )
