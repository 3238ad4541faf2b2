"""The sandbox gateway's card form: number, expiry and security code, with the test cards."""

import reflex as rx

from checkout.components.field import error_text, input_box, label


def sandbox_card_fields(errors: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend("Card details", class_name="pl-legend"),
        rx.el.p(
            "Test mode: pay with ",
            rx.el.code("4242 4242 4242 4242"),
            ", any future expiry date and any 3 digits. ",
            rx.el.code("4000 0000 0000 0002"),
            " is declined.",
            class_name="pl-test-cards",
            id="test-cards",
        ),
        rx.el.div(
            label("card_number", "Card number", "required"),
            input_box(
                "card_number",
                errors["card_number"],
                hint_id="test-cards",
                type="text",
                input_mode="numeric",
                auto_complete="cc-number",
                placeholder="1234 1234 1234 1234",
                max_length=23,
            ),
            error_text("card_number", errors["card_number"]),
            class_name="pl-field",
        ),
        rx.el.div(
            rx.el.div(
                label("expiry", "Expiry date", "required"),
                input_box(
                    "expiry",
                    errors["expiry"],
                    type="text",
                    input_mode="numeric",
                    auto_complete="cc-exp",
                    placeholder="MM / YY",
                    max_length=9,
                ),
                error_text("expiry", errors["expiry"]),
                class_name="pl-field",
            ),
            rx.el.div(
                label("cvc", "Security code", "required"),
                input_box(
                    "cvc",
                    errors["cvc"],
                    type="text",
                    input_mode="numeric",
                    auto_complete="cc-csc",
                    placeholder="CVC",
                    max_length=4,
                ),
                error_text("cvc", errors["cvc"]),
                class_name="pl-field",
            ),
            class_name="pl-row",
        ),
        class_name="pl-section",
    )
