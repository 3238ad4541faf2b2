"""The Details and Price sections of the link form: what the customer reads, and what
they pay (the type and the amount, locked with the reason when an edit can't change them)."""

import reflex as rx

from dashboard.components.field import error_text, hint_text
from dashboard.components.link_form_frame import errors, money_input, section, text_area
from dashboard.components.link_form_frame import text_field as text
from dashboard.link_draft import TYPE_LOCKED
from dashboard.state.link_form import LinkFormState as F
from paylinks.links.model import DESCRIPTION_MAX, REFERENCE_MAX, TITLE_MAX


def details() -> rx.Component:
    return section(
        "Details",
        "What the customer sees at checkout.",
        text(
            "title",
            "Title",
            placeholder="e.g. Espresso beans, 1 kg",
            max_length=TITLE_MAX,
            data_testid="input-title",
        ),
        text_area(
            "description",
            "Description (optional)",
            f"Shown under the title. Up to {DESCRIPTION_MAX:,} characters.",
            rows="3",
            max_length=DESCRIPTION_MAX,
        ),
        text(
            "reference",
            "Reference (optional)",
            "For you only, e.g. an invoice number. The list searches it.",
            max_length=REFERENCE_MAX,
            placeholder="INV-1042",
        ),
    )


def _type_choice() -> rx.Component:
    def card(value: str, title: str, words: str) -> rx.Component:
        return rx.radio_cards.item(
            rx.vstack(
                rx.text(title, weight="medium"),
                rx.text(words, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            value=value,
            data_testid=f"type-{value}",
        )

    return rx.vstack(
        rx.text("Link type", size="2", weight="medium", id="type-label"),
        rx.radio_cards.root(
            card("reusable", "Reusable", "Many customers can pay, until you deactivate it."),
            card("one_off", "One-off", "Deactivates itself after one successful payment."),
            value=F.draft.link_type,
            on_value_change=F.set_link_type,
            disabled=F.editing != "",
            columns=rx.breakpoints(initial="1", sm="2"),
            width="100%",
            id="type",
            name="link_type",
            aria_labelledby="type-label",
            aria_describedby="type-hint type-error",
        ),
        hint_text("type", rx.cond(F.editing, TYPE_LOCKED, "")),
        error_text("type", errors.get("type", "")),
        spacing="1",
        width="100%",
    )


def _amount_choice() -> rx.Component:
    return rx.vstack(
        rx.text("Amount", size="2", weight="medium"),
        rx.segmented_control.root(
            rx.segmented_control.item("Fixed amount", value="fixed"),
            rx.segmented_control.item("Customer chooses", value="variable"),
            value=F.draft.amount_type,
            on_change=F.set_amount_type,
            id="amount_type",
            aria_label="Amount type",
            custom_attrs={"disabled": F.amount_lock != ""},
            data_testid="amount-type",
        ),
        rx.cond(
            F.amount_lock,
            rx.callout(F.amount_lock, icon="lock", size="1", color_scheme="gray", id="amount-lock"),
        ),
        error_text("amount_type", errors.get("amount_type", "")),
        spacing="2",
        width="100%",
    )


def _amounts() -> rx.Component:
    fixed = rx.box(money_input("amount", "Price", "In the store currency."), max_width="260px")
    variable = rx.vstack(
        rx.flex(
            rx.box(money_input("min_amount", "Minimum (optional)"), flex="1", min_width="150px"),
            rx.box(money_input("max_amount", "Maximum (optional)"), flex="1", min_width="150px"),
            spacing="4",
            wrap="wrap",
            width="100%",
            max_width="540px",
        ),
        rx.text(
            "The customer types the amount at checkout, within these bounds if you set them.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )
    return rx.cond(F.draft.amount_type == "variable", variable, fixed)


def price() -> rx.Component:
    cap = text(
        "max_payments",
        "Limit the number of payments (optional)",
        "The link stops taking payments once this many have succeeded.",
        input_mode="numeric",
        placeholder="No limit",
    )
    return section(
        "Price",
        "",
        _type_choice(),
        _amount_choice(),
        _amounts(),
        rx.cond(F.draft.link_type == "reusable", rx.box(cap, max_width="360px", width="100%")),
    )
