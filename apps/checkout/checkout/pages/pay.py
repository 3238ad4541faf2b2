"""``/pay/{plink_id}``: the hosted checkout of one payment link, one screen per state."""

import reflex as rx

from checkout.components.card_form import sandbox_card_fields
from checkout.components.field import error_text, input_box, label, text_field
from checkout.components.header import link_header
from checkout.components.layout import page_shell
from checkout.components.screens import loading_screen, receipt, spinner, status_screen
from checkout.components.stripe_element import stripe_payment_element
from checkout.screens import Screen
from checkout.state.pay import PayState

T = PayState.t


def amount_block() -> rx.Component:
    """The fixed amount, or an input in major units with the link's bounds. The currency
    sits in a box of its own beside the input, as wide as its text (``CHF``, ``KWD``,
    ``R$``), never over the digits."""
    return rx.cond(
        PayState.is_variable,
        rx.el.div(
            label("amount", T["amount"], "required"),
            rx.el.div(
                rx.el.span(PayState.symbol, class_name="pl-money-symbol", aria_hidden="true"),
                input_box(
                    "amount",
                    PayState.errors["amount"],
                    hint_id="amount-hint",
                    type="text",
                    input_mode="decimal",
                    auto_complete="transaction-amount",
                    placeholder=PayState.placeholder,
                ),
                class_name="pl-money",
            ),
            rx.el.p(PayState.amount_hint, id="amount-hint", class_name="pl-hint"),
            error_text("amount", PayState.errors["amount"]),
            class_name="pl-field",
        ),
        rx.el.p(PayState.amount_label, class_name="pl-amount", id="amount-due"),
    )


def customer_block() -> rx.Component:
    modes = PayState.modes
    return rx.cond(
        PayState.has_customer_fields,
        rx.el.fieldset(
            rx.el.legend(T["your_details"], class_name="pl-legend"),
            text_field(
                "customer_name",
                T["full_name"],
                PayState.errors["customer_name"],
                optional=T["optional"],
                default_value=PayState.prefill.get("customer_name", ""),
                mode=modes["customer_name"],
                type="text",
                auto_complete="name",
            ),
            text_field(
                "business_name",
                T["business_name"],
                PayState.errors["business_name"],
                optional=T["optional"],
                default_value=PayState.prefill.get("business_name", ""),
                mode=modes["business_name"],
                type="text",
                auto_complete="organization",
            ),
            text_field(
                "email",
                T["email"],
                PayState.errors["email"],
                optional=T["optional"],
                default_value=PayState.prefill.get("email", ""),
                mode=modes["email"],
                type="email",
                auto_complete="email",
                input_mode="email",
            ),
            text_field(
                "phone",
                T["phone"],
                PayState.errors["phone"],
                optional=T["optional"],
                default_value=PayState.prefill.get("phone", ""),
                mode=modes["phone"],
                type="tel",
                auto_complete="tel",
                input_mode="tel",
            ),
            class_name="pl-section",
        ),
    )


def payment_block() -> rx.Component:
    return rx.cond(
        PayState.is_stripe,
        rx.el.fieldset(
            rx.el.legend(T["payment"], class_name="pl-legend"),
            stripe_payment_element(
                PayState.stripe_publishable_key, PayState.fixed_amount, PayState.currency
            ),
            error_text("card_number", PayState.errors["card_number"]),
            class_name="pl-section",
        ),
        sandbox_card_fields(PayState.errors, T),
    )


def pay_button() -> rx.Component:
    return rx.el.button(
        rx.cond(
            PayState.processing,
            rx.fragment(spinner(), rx.el.span(T["processing"])),
            rx.el.span(PayState.pay_label),
        ),
        type="submit",
        id="pay-button",
        class_name="pl-button",
        disabled=PayState.processing,
        aria_busy=rx.cond(PayState.processing, "true", "false"),
    )


def notice() -> rx.Component:
    return rx.cond(
        PayState.notice != "",
        rx.el.div(
            rx.icon(
                rx.cond(PayState.declined, "credit-card", "circle-alert"),
                size=18,
                flex="none",
                margin_top="2px",
            ),
            rx.el.span(PayState.notice),
            class_name="pl-notice",
            id="form-notice",
            role="alert",
        ),
    )


def pay_form() -> rx.Component:
    """Kept mounted (only hidden) off the form screen, so what the customer typed survives
    a moment on the "someone else is paying" screen."""
    return rx.el.div(
        link_header(),
        rx.el.form(
            rx.el.input(
                type="hidden", name="attempt", value=PayState.attempt.to_string(), read_only=True
            ),
            rx.el.fieldset(
                amount_block(),
                customer_block(),
                payment_block(),
                notice(),
                pay_button(),
                disabled=PayState.processing,
            ),
            id="pay-form",
            on_submit=PayState.submit,
            no_validate=True,
            class_name="pl-form",
            aria_label="Payment",
        ),
        display=rx.cond(PayState.screen == Screen.PAY, "block", "none"),
    )


def unavailable_screen() -> rx.Component:
    return status_screen(
        "screen-unavailable",
        "hourglass",
        "wait",
        T["unavailable"],
        T["unavailable_hint"],
        # Not announced every second: the button's label says when it is time.
        rx.el.p(PayState.retry_text, id="retry-hint", aria_live="off"),
        # Always open: the place may free up early (the other customer's card declined).
        action=rx.el.button(
            T["try_again"],
            type="button",
            class_name="pl-button",
            id="try-again",
            on_click=PayState.try_again,
        ),
    )


def success_screen() -> rx.Component:
    return status_screen(
        "screen-success",
        "circle-check",
        "ok",
        T["paid_heading"],
        rx.el.p(PayState.thank_you, id="thank-you"),
        receipt(
            [
                (T["amount_paid"], PayState.paid_amount, "paid-amount"),
                (T["paid_to"], PayState.merchant_name, "paid-to"),
                (T["paid_for"], PayState.title, "paid-for"),
                (T["payment_reference"], PayState.reference, "payment-reference"),
            ],
            mono=("payment-reference",),
        ),
        rx.cond(
            PayState.receipt_note != "",
            rx.el.p(PayState.receipt_note, id="receipt-note"),
        ),
    )


def redirecting_screen() -> rx.Component:
    return status_screen(
        "screen-redirecting",
        "circle-check",
        "ok",
        T["paid_heading"],
        rx.el.p(T["taking_you_back"].replace("{merchant}", PayState.merchant_name)),
        rx.el.p(
            rx.el.a(
                T["continue"],
                href=PayState.redirect_url,
                class_name="pl-link",
                id="continue-link",
            )
        ),
    )


def closed_screen(screen_id: str, icon: str, heading: rx.Var) -> rx.Component:
    return status_screen(
        screen_id,
        icon,
        "neutral",
        rx.cond(PayState.status_message != "", PayState.status_message, heading),
        rx.el.p(PayState.title, " · ", PayState.merchant_name),
        T["closed_hint"],
    )


def pay() -> rx.Component:
    return page_shell(
        rx.match(
            PayState.screen,
            (Screen.LOADING, loading_screen(T["loading"])),
            (
                Screen.NOT_FOUND,
                status_screen(
                    "screen-not-found",
                    "search-x",
                    "neutral",
                    T["not_found"],
                    T["not_found_hint"],
                ),
            ),
            (
                Screen.INACTIVE,
                closed_screen("screen-inactive", "ban", T["inactive"]),
            ),
            (
                Screen.EXPIRED,
                closed_screen("screen-expired", "clock", T["expired"]),
            ),
            (Screen.UNAVAILABLE, unavailable_screen()),
            (
                Screen.ERROR,
                status_screen(
                    "screen-error",
                    "cloud-off",
                    "bad",
                    T["error"],
                    T["error_hint"],
                    action=rx.el.button(
                        T["try_again"],
                        type="button",
                        class_name="pl-button",
                        id="reload",
                        on_click=PayState.reload,
                    ),
                ),
            ),
            (Screen.SUCCESS, success_screen()),
            (Screen.REDIRECTING, redirecting_screen()),
            rx.fragment(),
        ),
        pay_form(),
        footer=T["footer"],
        style=PayState.brand_style,
    )
