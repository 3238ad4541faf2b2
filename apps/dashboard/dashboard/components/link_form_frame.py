"""What every section of the link form shares: the card of a section, and the inputs whose
typing feeds the live preview (uncontrolled: they start from the draft, and the form is
drawn again, by its key, when the draft is filled from a link)."""

from typing import Any

import reflex as rx

from dashboard.components.field import described_by, field, invalid
from dashboard.state.link_form import LinkFormState as F

errors = F.errors


def section(title: str, description: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="3", as_="h2"),
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


def typed(name: str, error: str = "") -> dict[str, Any]:
    """The props of an input named ``name`` that starts from the draft and tells the state
    each change; ``error`` is the field it reports under (its own name by default)."""
    key = error or name
    return {
        "name": name,
        "id": key if not error else name,
        "default_value": getattr(F.draft, name),
        "on_change": lambda value: F.set_text(name, value),
        "aria_invalid": invalid(errors.get(key, "")),
    }


def text_field(name: str, label: str, hint: str = "", **props: Any) -> rx.Component:
    control = rx.input(
        **typed(name),
        aria_describedby=described_by(name, hint),
        auto_complete="off",
        width="100%",
        **props,
    )
    return field(name, label, errors, hint=hint, control=control)


def text_area(name: str, label: str, hint: str, error: str = "", **props: Any) -> rx.Component:
    key = error or name
    return field(
        key,
        label,
        errors,
        hint=hint,
        control=rx.text_area(
            **{**typed(name, error), "id": key},
            aria_describedby=described_by(key, hint),
            width="100%",
            **props,
        ),
    )


def money_input(name: str, label: str, hint: Any = "") -> rx.Component:
    """An amount in the store's currency, disabled while the amount is locked."""
    return field(
        name,
        label,
        errors,
        hint=hint,
        control=rx.input(
            rx.input.slot(F.currency_symbol),
            **typed(name),
            input_mode="decimal",
            auto_complete="off",
            placeholder=F.amount_placeholder,
            aria_describedby=described_by(name, hint),
            disabled=F.amount_lock != "",
            width="100%",
            data_testid=f"input-{name}",
        ),
    )
