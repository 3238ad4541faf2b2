"""The sandbox gateway's card form: number, expiry and security code, with the test cards."""

import reflex as rx

from checkout.components.field import error_text, input_box, label


def sandbox_card_fields(errors: rx.Var, t: rx.Var) -> rx.Component:
    """``t``: the page's texts, in its language."""
    return rx.el.fieldset(
        rx.el.legend(t["card_details"], class_name="pl-legend"),
        rx.el.p(
            t["test_cards_before"],
            " ",
            rx.el.code("4242 4242 4242 4242"),
            t["test_cards_middle"],
            " ",
            rx.el.code("4000 0000 0000 0002"),
            " ",
            t["test_cards_after"],
            class_name="pl-test-cards",
            id="test-cards",
        ),
        rx.el.div(
            label("card_number", t["card_number"], "required"),
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
                label("expiry", t["expiry"], "required"),
                input_box(
                    "expiry",
                    errors["expiry"],
                    type="text",
                    input_mode="numeric",
                    auto_complete="cc-exp",
                    placeholder=t["expiry_placeholder"],
                    max_length=9,
                ),
                error_text("expiry", errors["expiry"]),
                class_name="pl-field",
            ),
            rx.el.div(
                label("cvc", t["security_code"], "required"),
                input_box(
                    "cvc",
                    errors["cvc"],
                    type="text",
                    input_mode="numeric",
                    auto_complete="cc-csc",
                    placeholder=t["cvc_placeholder"],
                    max_length=4,
                ),
                error_text("cvc", errors["cvc"]),
                class_name="pl-field",
            ),
            class_name="pl-row",
        ),
        class_name="pl-section",
    )
