"""Create link: every field of a payment link, grouped the way a merchant thinks of them."""

import reflex as rx

from dashboard import routes
from dashboard.components.field import error_text, field, notice
from dashboard.components.layout import app_shell
from dashboard.components.link_form_sections import (
    after_payment,
    customer_details,
    image,
    invalid,
    metadata,
    section,
)
from dashboard.link_form import (
    DESCRIPTION_MAX,
    REFERENCE_MAX,
    TITLE_MAX,
)
from dashboard.state.link_new import NO_VENUE, NewLinkState
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments, NewLinkState.open_page]
errors = NewLinkState.errors


def _money_input(name: str, label: str, hint: str = "") -> rx.Component:
    return field(
        name,
        label,
        errors,
        hint=hint,
        control=rx.input(
            rx.input.slot(NewLinkState.currency_symbol),
            name=name,
            id=name,
            input_mode="decimal",
            placeholder=NewLinkState.amount_placeholder,
            aria_invalid=invalid(name),
            aria_describedby=f"{name}-error",
            auto_complete="off",
            width="100%",
            data_testid=f"input-{name}",
        ),
    )


# ---- details ----------------------------------------------------------------------------


def details() -> rx.Component:
    return section(
        "Details",
        "What the customer sees at checkout.",
        field(
            "title",
            "Title",
            errors,
            placeholder="e.g. Espresso beans, 1 kg",
            max_length=TITLE_MAX,
            data_testid="input-title",
        ),
        field(
            "description",
            "Description (optional)",
            errors,
            hint=f"Shown under the title. Up to {DESCRIPTION_MAX:,} characters.",
            control=rx.text_area(
                name="description",
                id="description",
                rows="3",
                max_length=DESCRIPTION_MAX,
                aria_invalid=invalid("description"),
                aria_describedby="description-error",
                width="100%",
            ),
        ),
        field(
            "reference",
            "Reference (optional)",
            errors,
            hint="For you only, e.g. an invoice number. The list searches it.",
            max_length=REFERENCE_MAX,
            placeholder="INV-1042",
        ),
    )


# ---- price ------------------------------------------------------------------------------


def _type_choice() -> rx.Component:
    def card(value: str, title: str, text: str) -> rx.Component:
        return rx.radio_cards.item(
            rx.vstack(
                rx.text(title, weight="medium"),
                rx.text(text, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            value=value,
            data_testid=f"type-{value}",
        )

    return rx.vstack(
        rx.text("Link type", size="2", weight="medium"),
        rx.radio_cards.root(
            card("reusable", "Reusable", "Many customers can pay, until you deactivate it."),
            card("one_off", "One-off", "Deactivates itself after one successful payment."),
            value=NewLinkState.link_type,
            on_value_change=NewLinkState.set_link_type,
            columns="2",
            width="100%",
            aria_label="Link type",
        ),
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
            value=NewLinkState.amount_type,
            on_change=NewLinkState.set_amount_type,
            aria_label="Amount type",
            data_testid="amount-type",
        ),
        spacing="2",
        width="100%",
    )


def _amounts() -> rx.Component:
    fixed = rx.box(
        _money_input("amount", "Price", hint="In the store currency."),
        width="100%",
        max_width="260px",
    )
    variable = rx.vstack(
        rx.hstack(
            rx.box(_money_input("min_amount", "Minimum (optional)"), flex="1"),
            rx.box(_money_input("max_amount", "Maximum (optional)"), flex="1"),
            spacing="4",
            width="100%",
            max_width="540px",
            align="start",
        ),
        rx.text(
            "The customer types the amount at checkout, within these bounds if you set them.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )
    return rx.cond(NewLinkState.amount_type == "variable", variable, fixed)


def _max_payments() -> rx.Component:
    return rx.cond(
        NewLinkState.link_type == "reusable",
        rx.box(
            field(
                "max_payments",
                "Limit the number of payments (optional)",
                errors,
                hint="The link stops taking payments once this many have succeeded.",
                input_mode="numeric",
                placeholder="No limit",
                auto_complete="off",
            ),
            width="100%",
            max_width="360px",
        ),
        rx.fragment(),
    )


def price() -> rx.Component:
    return section(
        "Price",
        "",
        _type_choice(),
        _amount_choice(),
        _amounts(),
        error_text("amount_type", errors.get("amount_type", "")),
        _max_payments(),
    )


# ---- availability -----------------------------------------------------------------------


def _expiry() -> rx.Component:
    message = errors.get("expires_at", "")
    return rx.vstack(
        rx.el.label(
            rx.text("Expires (optional)", size="2", weight="medium"), html_for="expires_date"
        ),
        rx.hstack(
            rx.input(
                type="date",
                name="expires_date",
                id="expires_date",
                aria_label="Expiry date",
                aria_invalid=rx.cond(message, "true", "false"),
                aria_describedby="expires_at-error",
                data_testid="input-expires-date",
            ),
            rx.input(
                type="time",
                name="expires_time",
                id="expires_time",
                aria_label="Expiry time",
                aria_invalid=rx.cond(message, "true", "false"),
                aria_describedby="expires_at-error",
                data_testid="input-expires-time",
            ),
            rx.text(NewLinkState.zone_name, size="2", color_scheme="gray"),
            spacing="2",
            align="center",
        ),
        rx.text(
            "In your time zone, ",
            NewLinkState.zone_name,
            " (now ",
            NewLinkState.now_local,
            "). Without a time the link expires at 23:59 that day.",
            size="1",
            color_scheme="gray",
        ),
        error_text("expires_at", message),
        spacing="1",
        width="100%",
    )


def _venue() -> rx.Component:
    return rx.cond(
        NewLinkState.venues.length() > 0,  # type: ignore[attr-defined]
        field(
            "venue_id",
            "Venue (optional)",
            errors,
            hint="Lets you filter links and payments by location.",
            control=rx.select.root(
                rx.select.trigger(id="venue_id", aria_label="Venue", min_width="260px"),
                rx.select.content(
                    rx.select.item("No venue", value=NO_VENUE),
                    rx.foreach(
                        NewLinkState.venues,
                        lambda venue: rx.select.item(venue["name"], value=venue["id"]),
                    ),
                ),
                value=NewLinkState.venue_id,
                on_change=NewLinkState.set_venue,
            ),
        ),
        rx.text(
            "No venues yet. ",
            rx.link("Add a venue", href=routes.VENUES),
            " to tie links to a location.",
            size="2",
            color_scheme="gray",
        ),
    )


def availability() -> rx.Component:
    return section("Availability", "", _expiry(), _venue())


# ---- image ------------------------------------------------------------------------------


def actions() -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.button("Cancel", type="button", variant="soft", color_scheme="gray"),
            href=routes.LINKS,
        ),
        rx.button(
            "Create link",
            type="submit",
            loading=NewLinkState.busy,
            disabled=NewLinkState.busy | NewLinkState.uploading,
            data_testid="create-submit",
        ),
        justify="end",
        spacing="3",
        width="100%",
    )


def page() -> rx.Component:
    return app_shell(
        "links",
        "Create a payment link",
        rx.form(
            rx.vstack(
                details(),
                price(),
                availability(),
                image(),
                customer_details(),
                after_payment(),
                metadata(),
                notice(NewLinkState.notice),
                actions(),
                spacing="4",
                width="100%",
                max_width="760px",
            ),
            on_submit=NewLinkState.submit,
            width="100%",
            no_validate=True,
        ),
    )
