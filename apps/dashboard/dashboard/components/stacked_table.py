"""Cells of a table that turns into stacked rows on a phone (``pl-stack`` in the
stylesheet): each cell carries its column's name, shown above its value once the head row
is out of sight; a wide cell takes the row's whole width."""

from typing import Any

import reflex as rx

#: The class of a table root whose rows stack on a phone.
STACKED = "pl-stack"


def _classes(wide: bool) -> str:
    return "pl-cell-wide" if wide else ""


def cell(label: str, *children: Any, wide: bool = False, **props: Any) -> rx.Component:
    """A cell of the column ``label``; one without a label (a row's actions) shows none and
    takes the row's whole width."""
    labelled: dict[str, Any] = {"data_label": label} if label else {}
    return rx.table.cell(*children, class_name=_classes(wide or not label), **labelled, **props)


def header_cell(*children: Any, wide: bool = True, **props: Any) -> rx.Component:
    """The row's header cell (what the row is), full width on a phone by default."""
    return rx.table.row_header_cell(*children, class_name=_classes(wide), **props)


def head(*columns: str | tuple[str, str]) -> rx.Component:
    """The head row: column names, or (name, text-align) pairs."""
    named = [(c, "left") if isinstance(c, str) else c for c in columns]
    return rx.table.header(
        rx.table.row(
            *[
                rx.table.column_header_cell(name, text_align=align, white_space="nowrap")
                for name, align in named
            ]
        )
    )


def stacked_table(*parts: rx.Component, **props: Any) -> rx.Component:
    """A table root whose rows stack on a phone."""
    return rx.table.root(*parts, class_name=STACKED, width="100%", **props)
