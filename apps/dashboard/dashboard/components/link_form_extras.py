"""The sections of the link form after the price: the customer details asked at checkout,
what follows the payment, and metadata for integrations."""

from typing import Any

import reflex as rx

from dashboard.components.field import described_by, error_text, field, invalid
from dashboard.components.link_form_frame import errors, section, text_area, typed
from dashboard.link_draft import CUSTOMER_FIELDS, FIELD_MODES, MetadataRow
from dashboard.state.link_form import LinkFormState as F
from paylinks.links.model import METADATA_KEY_MAX, METADATA_VALUE_MAX, THANK_YOU_MAX


def _customer_field(name: str, label: str) -> rx.Component:
    key = f"customer_fields.{name}"
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="2", weight="medium", min_width="130px"),
            rx.segmented_control.root(
                *[rx.segmented_control.item(words, value=mode) for mode, words in FIELD_MODES],
                value=F.draft.customer_modes[name],
                on_change=lambda mode: F.set_customer_mode(name, mode),
                size="1",
                id=key,
                aria_label=f"{label}: off, optional or required",
                data_testid=f"customer-{name}",
            ),
            align="center",
            spacing="3",
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


def after_payment() -> rx.Component:
    thank_you = text_area(
        "thank_you_message",
        "Thank-you message (optional)",
        f"Up to {THANK_YOU_MAX} characters. Without one, a default message is shown.",
        error="after_payment.message",
        rows="2",
        max_length=THANK_YOU_MAX,
        placeholder="Thanks! Your order is on its way.",
    )
    hint = "Customers go there with payment_id and payment_link_id added to the address."
    redirect = field(
        "after_payment.url",
        "Redirect to",
        errors,
        hint=hint,
        control=rx.input(
            **{**typed("redirect_url", "after_payment.url"), "id": "after_payment.url"},
            type="url",
            placeholder="https://example.com/thanks",
            aria_describedby=described_by("after_payment.url", hint),
            width="100%",
            data_testid="input-redirect-url",
        ),
    )
    return section(
        "After payment",
        "",
        rx.segmented_control.root(
            rx.segmented_control.item("Thank-you page", value="thank_you"),
            rx.segmented_control.item("Redirect", value="redirect"),
            value=F.draft.after_type,
            on_change=F.set_after_type,
            aria_label="After payment",
            data_testid="after-type",
        ),
        rx.cond(F.draft.after_type == "redirect", redirect, thank_you),
    )


def _metadata_input(value: rx.Var, on_change: Any, part: str, limit: int) -> rx.Component:
    return rx.input(
        value=value,
        on_change=on_change,
        placeholder=part,
        aria_label=f"Metadata {part}",
        aria_invalid=invalid(errors.get("metadata", "")),
        aria_describedby="metadata-error",
        max_length=limit,
        flex="1 1 140px",
    )


def _metadata_row(row: rx.Var[MetadataRow], index: rx.Var[int]) -> rx.Component:
    return rx.flex(
        _metadata_input(
            row.key,  # type: ignore[attr-defined]
            lambda value: F.set_metadata_key(index, value),
            "key",
            METADATA_KEY_MAX,
        ),
        _metadata_input(
            row.value,  # type: ignore[attr-defined]
            lambda value: F.set_metadata_value(index, value),
            "value",
            METADATA_VALUE_MAX,
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            type="button",
            variant="ghost",
            color_scheme="gray",
            aria_label="Remove this pair",
            on_click=F.remove_metadata_row(index),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
    )


def metadata() -> rx.Component:
    return section(
        "Metadata (optional)",
        "Key/value pairs for your integrations, returned by the API and in webhooks.",
        rx.vstack(
            rx.foreach(F.draft.metadata_rows, _metadata_row),
            rx.button(
                rx.icon("plus", size=14),
                "Add a pair",
                type="button",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=F.add_metadata_row,
                data_testid="metadata-add",
            ),
            id="metadata",
            spacing="2",
            width="100%",
        ),
        error_text("metadata", errors.get("metadata", "")),
    )
