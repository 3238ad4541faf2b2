"""The table of payment links: one row per link, the whole row opens it."""

import reflex as rx

from dashboard import routes
from dashboard.state.links import LinksState

#: The path of a payment link's page, without its id.
LINKS_PATH = routes.link("")

COLUMNS = [
    ("Title", "left"),
    ("Amount", "right"),
    ("Type", "left"),
    ("Status", "left"),
    ("Payments", "right"),
    ("Collected", "right"),
    ("Created", "left"),
]


def _header() -> rx.Component:
    return rx.table.header(
        rx.table.row(
            *[
                rx.table.column_header_cell(name, text_align=align, white_space="nowrap")
                for name, align in COLUMNS
            ]
        )
    )


def _title_cell(row: rx.Var) -> rx.Component:
    return rx.table.row_header_cell(
        rx.vstack(
            rx.link(
                row["title"],
                href=LINKS_PATH + row["id"].to(str),
                weight="medium",
                color_scheme="gray",
                high_contrast=True,
                underline="hover",
            ),
            rx.cond(
                row["reference"],
                rx.text(row["reference"], size="1", color_scheme="gray"),
                rx.fragment(),
            ),
            spacing="0",
        ),
        min_width="160px",
        max_width="320px",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        _title_cell(row),
        rx.table.cell(row["amount"], text_align="right", white_space="nowrap"),
        rx.table.cell(row["type"], white_space="nowrap"),
        rx.table.cell(
            rx.badge(
                row["status_label"],
                color_scheme=row["status_color"].to(str),  # type: ignore[arg-type]
                variant="soft",
                radius="full",
            )
        ),
        rx.table.cell(row["payments"], text_align="right"),
        rx.table.cell(row["collected"], text_align="right", white_space="nowrap"),
        rx.table.cell(row["created"], white_space="nowrap", color="var(--gray-11)"),
        on_click=LinksState.open_link(row["id"]),
        class_name="pl-clickable-row",
        data_testid="link-row",
        align="center",
    )


def links_table() -> rx.Component:
    return rx.table.root(
        _header(),
        rx.table.body(rx.foreach(LinksState.rows, _row)),
        variant="surface",
        width="100%",
        data_testid="links-table",
    )
