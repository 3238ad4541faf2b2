"""The sections of Create link that describe more than the price: the image, the
customer details asked at checkout, what follows the payment, and metadata; with the card
and error markers every section of the form uses."""

import reflex as rx

from dashboard.components.field import error_text, field
from dashboard.components.image_dropzone import image_dropzone, remove_button
from dashboard.link_form import (
    CUSTOMER_FIELDS,
    FIELD_MODES,
    THANK_YOU_MAX,
)
from dashboard.state.link_new import NewLinkState

UPLOAD_ID = "link-image"
errors = NewLinkState.errors


def section(title: str, description: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="3"),
                rx.text(description, size="2", color_scheme="gray")
                if description
                else rx.fragment(),
                spacing="1",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def invalid(key: str) -> rx.Var:
    return rx.cond(errors.get(key, ""), "true", "false")


def _dropzone() -> rx.Component:
    return image_dropzone(
        UPLOAD_ID,
        NewLinkState.uploading,
        "Drop an image here or click",
        NewLinkState.upload_image(rx.upload_files(upload_id=UPLOAD_ID)),
        NewLinkState.image_rejected,
        error_id="image-error",
        test_id="image-dropzone",
    )


def _preview() -> rx.Component:
    return rx.hstack(
        rx.image(
            src=NewLinkState.image_url,
            alt="The link's image",
            class_name="pl-image-preview",
            data_testid="image-preview",
        ),
        rx.vstack(
            rx.text(NewLinkState.image_name, size="2", weight="medium"),
            rx.text("Shown at checkout.", size="1", color_scheme="gray"),
            remove_button(NewLinkState.remove_image, "image-remove"),
            spacing="2",
        ),
        spacing="4",
        align="center",
    )


def image() -> rx.Component:
    return section(
        "Image (optional)",
        "A product photo or your logo, shown at checkout.",
        rx.cond(NewLinkState.image_id, _preview(), _dropzone()),
        error_text("image", errors.get("image", "")),
    )


# ---- customer details -------------------------------------------------------------------


def _customer_field(name: str, label: str) -> rx.Component:
    key = f"customer_fields.{name}"
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="2", weight="medium", min_width="140px"),
            rx.segmented_control.root(
                *[rx.segmented_control.item(text, value=mode) for mode, text in FIELD_MODES],
                value=NewLinkState.customer_modes[name],
                on_change=lambda mode: NewLinkState.set_customer_mode(name, mode),
                size="1",
                aria_label=f"{label}: off, optional or required",
                data_testid=f"customer-{name}",
            ),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        error_text(key, errors.get(key, "")),
        spacing="1",
    )


def customer_details() -> rx.Component:
    return section(
        "Customer details",
        "What the checkout asks the customer for.",
        *[_customer_field(name, label) for name, label in CUSTOMER_FIELDS],
    )


# ---- after payment ----------------------------------------------------------------------


def after_payment() -> rx.Component:
    thank_you = field(
        "after_payment.message",
        "Thank-you message (optional)",
        errors,
        hint=f"Up to {THANK_YOU_MAX} characters. Without one, a default message is shown.",
        control=rx.text_area(
            name="thank_you_message",
            id="after_payment.message",
            rows="2",
            max_length=THANK_YOU_MAX,
            placeholder="Thanks! Your order is on its way.",
            aria_invalid=invalid("after_payment.message"),
            aria_describedby="after_payment.message-error",
            width="100%",
        ),
    )
    redirect = field(
        "after_payment.url",
        "Redirect to",
        errors,
        hint="Customers go there with payment_id and payment_link_id added to the address.",
        control=rx.input(
            name="redirect_url",
            id="after_payment.url",
            type="url",
            placeholder="https://example.com/thanks",
            aria_invalid=invalid("after_payment.url"),
            aria_describedby="after_payment.url-error",
            width="100%",
            data_testid="input-redirect-url",
        ),
    )
    return section(
        "After payment",
        "",
        rx.segmented_control.root(
            rx.segmented_control.item("Show a thank-you page", value="thank_you"),
            rx.segmented_control.item("Redirect to your website", value="redirect"),
            value=NewLinkState.after_type,
            on_change=NewLinkState.set_after_type,
            aria_label="After payment",
            data_testid="after-type",
        ),
        rx.cond(NewLinkState.after_type == "redirect", redirect, thank_you),
    )


# ---- metadata ---------------------------------------------------------------------------


def _metadata_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=row["key"],
            on_change=lambda value: NewLinkState.set_metadata_key(index, value),
            placeholder="key",
            aria_label="Metadata key",
            max_length=40,
            width="200px",
        ),
        rx.input(
            value=row["value"],
            on_change=lambda value: NewLinkState.set_metadata_value(index, value),
            placeholder="value",
            aria_label="Metadata value",
            max_length=500,
            flex="1",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            type="button",
            variant="ghost",
            color_scheme="gray",
            aria_label="Remove this pair",
            on_click=NewLinkState.remove_metadata_row(index),
        ),
        spacing="2",
        align="center",
        width="100%",
    )


def metadata() -> rx.Component:
    return section(
        "Metadata (optional)",
        "Key/value pairs for your integrations, returned by the API and in webhooks.",
        rx.foreach(NewLinkState.metadata_rows, _metadata_row),
        rx.button(
            rx.icon("plus", size=14),
            "Add a pair",
            type="button",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=NewLinkState.add_metadata_row,
            data_testid="metadata-add",
        ),
        error_text("metadata", errors.get("metadata", "")),
    )


# ---- the page ---------------------------------------------------------------------------
