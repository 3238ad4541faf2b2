"""The live preview beside the link form: the customer's checkout as the form stands,
drawn like the checkout draws it (a card: the store, the image, the title, the amount,
the fields asked, the Pay button). It is a picture: nothing in it can be focused."""

import reflex as rx

from dashboard.link_preview import PreviewField
from dashboard.state.link_form import LinkFormState as F

P = F.preview


def _field(asked: rx.Var[PreviewField]) -> rx.Component:
    return rx.vstack(
        rx.text(
            asked.label,  # type: ignore[attr-defined]
            rx.cond(asked.required, "", " (optional)"),  # type: ignore[attr-defined]
            size="2",
            weight="medium",
        ),
        rx.box(class_name="pl-preview-input"),
        spacing="1",
        width="100%",
    )


def _amount() -> rx.Component:
    variable = rx.vstack(
        rx.text("Amount", size="2", weight="medium"),
        rx.box(class_name="pl-preview-input"),
        rx.text(P.bounds, size="1", color_scheme="gray", data_testid="preview-bounds"),
        spacing="1",
        width="100%",
    )
    fixed = rx.text(
        rx.cond(P.amount, P.amount, "—"), size="6", weight="bold", data_testid="preview-amount"
    )
    return rx.cond(P.variable, variable, fixed)


def checkout_preview() -> rx.Component:
    card = rx.card(
        rx.vstack(
            rx.text(P.store_name, size="2", color_scheme="gray"),
            rx.cond(
                P.image_url,
                rx.image(src=P.image_url, alt="", class_name="pl-preview-image"),
            ),
            rx.text(
                P.title, size="5", weight="bold", class_name="pl-wrap", data_testid="preview-title"
            ),
            rx.cond(
                P.description,
                rx.text(
                    P.description,
                    size="2",
                    color_scheme="gray",
                    class_name="pl-wrap",
                    data_testid="preview-description",
                ),
            ),
            _amount(),
            rx.foreach(P.fields, _field),
            rx.box(P.button, class_name="pl-preview-button", data_testid="preview-button"),
            rx.text(P.after, size="1", color_scheme="gray", class_name="pl-wrap"),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        class_name="pl-preview-card",
    )
    return rx.el.aside(
        rx.vstack(
            rx.heading("Preview", size="2", as_="h2", color_scheme="gray"),
            card,
            rx.text("What customers see at checkout.", size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        aria_label="Checkout preview",
        class_name="pl-preview",
        data_testid="checkout-preview",
    )
