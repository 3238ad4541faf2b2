"""The link form as a page: its sections, the notice and the buttons, with the live
preview of the checkout beside it on wide screens and under it on phones. The same frame
serves Create, Duplicate and Edit."""

import reflex as rx

from dashboard import routes
from dashboard.components.field import notice
from dashboard.components.link_form_details import details, price
from dashboard.components.link_form_extras import after_payment, customer_details, metadata
from dashboard.components.link_form_sections import availability, image
from dashboard.components.link_preview import checkout_preview
from dashboard.components.panel import load_error, spinner
from dashboard.state.link_form import LinkFormState as F


def _actions() -> rx.Component:
    back = rx.cond(F.editing, routes.link(F.editing), routes.LINKS)  # type: ignore[arg-type]
    return rx.hstack(
        rx.button(
            "Cancel", type="button", variant="soft", color_scheme="gray", on_click=rx.redirect(back)
        ),
        rx.button(
            rx.cond(F.editing, "Save changes", "Create link"),
            type="submit",
            loading=F.busy,
            disabled=F.busy | F.uploading,
            data_testid="create-submit",
        ),
        justify="end",
        align="center",
        spacing="4",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            details(),
            price(),
            availability(),
            image(),
            customer_details(),
            after_payment(),
            metadata(),
            notice(F.notice),
            _actions(),
            spacing="4",
            width="100%",
        ),
        on_submit=F.submit,
        key=F.form_key,
        width="100%",
        no_validate=True,
        class_name="pl-link-form",
    )


def form_with_preview() -> rx.Component:
    return rx.cond(
        F.load_error,
        load_error(F.load_error, F.open_page),
        rx.cond(
            F.opened,
            rx.box(_form(), checkout_preview(), class_name="pl-form-layout"),
            spinner(),
        ),
    )
