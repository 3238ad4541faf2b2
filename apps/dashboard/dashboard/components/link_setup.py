"""The Setup panel of a link's page: everything the link was created with (or last edited
to), with its image, and Edit beside it."""

import reflex as rx

from dashboard import routes
from dashboard.link_setup import SetupRow
from dashboard.state.link_detail import LinkDetailState as S


def _row(row: rx.Var[SetupRow]) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(row.label, min_width="130px"),  # type: ignore[attr-defined]
        rx.data_list.value(row.value, class_name="pl-wrap"),  # type: ignore[attr-defined]
    )


def setup_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Setup", size="3", as_="h2"),
                rx.spacer(),
                rx.link("Edit", href=routes.edit_link(S.plink), size="2"),  # type: ignore[arg-type]
                width="100%",
                align="center",
            ),
            rx.cond(
                S.link.image_url,
                rx.image(
                    src=S.link.image_url,
                    alt="The link's image",
                    class_name="pl-image-preview",
                    data_testid="setup-image",
                ),
            ),
            rx.data_list.root(
                rx.foreach(S.setup, _row),
                orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                size="2",
                data_testid="link-setup",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
