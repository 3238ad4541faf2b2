"""The table of payment links: one row per link (its title opens it, and so does a click
anywhere on the row), with Copy URL and the QR code at hand; stacked rows on a phone."""

import reflex as rx

from dashboard import routes
from dashboard.components.stacked_table import cell, head, header_cell, stacked_table
from dashboard.state.links import LinksState

#: The path of a payment link's page, without its id.
LINKS_PATH = routes.link("")
#: The path of a link's QR code (``downloads.py``), around its id.
QR_PATH = routes.LINK_QR_PNG.split("{link_id}")

COLUMNS = [
    ("Title", "left"),
    ("Amount", "right"),
    ("Type", "left"),
    ("Status", "left"),
    ("Payments", "right"),
    ("Collected", "right"),
    ("Created", "left"),
    ("", "right"),
]


def _title_cell(row: rx.Var) -> rx.Component:
    return header_cell(
        rx.vstack(
            rx.link(
                row.title,
                href=LINKS_PATH + row.id,
                weight="medium",
                color_scheme="gray",
                high_contrast=True,
                underline="hover",
                class_name="pl-row-link",
            ),
            rx.cond(
                row.reference,
                rx.text(row.reference, size="1", color_scheme="gray"),
                rx.fragment(),
            ),
            spacing="0",
        ),
        min_width="160px",
        max_width="320px",
    )


def _qr_dialog(row: rx.Var) -> rx.Component:
    """The link's QR code, to show on screen or download and print."""
    src = QR_PATH[0] + row.id + QR_PATH[1]
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("qr-code", size=16, aria_hidden="true"),
                size="1",
                variant="soft",
                color_scheme="gray",
                aria_label="QR code",
                title="QR code",
                data_testid="row-qr",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(row.title, class_name="pl-break"),
            rx.dialog.description(
                "Customers scan it to open the link's checkout.", size="2", color_scheme="gray"
            ),
            rx.center(
                rx.image(
                    src=src,
                    alt="QR code of " + row.title,
                    width="240px",
                    height="240px",
                    class_name="pl-qr",
                ),
                padding_y="1em",
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.el.a(
                        rx.icon("download", size=16, aria_hidden="true"),
                        "Download PNG",
                        href=src,
                        download=row.id + "-qr.png",
                        data_testid="row-qr-download",
                    ),
                    as_child=True,
                ),
                justify="end",
                spacing="3",
            ),
            max_width="360px",
        ),
    )


def _actions(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("copy", size=16, aria_hidden="true"),
            size="1",
            variant="soft",
            color_scheme="gray",
            aria_label="Copy URL",
            title="Copy URL",
            on_click=[rx.set_clipboard(row.url), rx.toast.success("Link URL copied.")],
            data_testid="row-copy-url",
        ),
        _qr_dialog(row),
        spacing="2",
        justify="end",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        _title_cell(row),
        cell("Amount", row.amount, text_align="right", white_space="nowrap"),
        cell("Type", row.type, white_space="nowrap"),
        cell(
            "Status",
            rx.badge(
                row.status_label,
                color_scheme=row.status_color,  # type: ignore[arg-type]
                variant="soft",
                radius="full",
            ),
        ),
        cell("Payments", row.payments, text_align="right"),
        cell("Collected", row.collected, text_align="right", white_space="nowrap"),
        cell("Created", row.created, white_space="nowrap", color="var(--gray-11)"),
        # Clicks on the actions (and in the QR dialog, a portal of this cell) stay here
        # rather than reach the row, which opens the link.
        cell("", _actions(row), text_align="right", on_click=rx.stop_propagation),
        on_click=LinksState.open_link(row.id),
        class_name="pl-clickable-row",
        data_testid="link-row",
        align="center",
    )


def links_table() -> rx.Component:
    return stacked_table(
        head(*COLUMNS),
        rx.table.body(rx.foreach(LinksState.rows, _row)),
        variant="surface",
        data_testid="links-table",
    )
