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


def amount_block() -> rx.Component:
    """The fixed amount, or an input in major units with the link's bounds."""
    return rx.cond(
        PayState.is_variable,
        rx.el.div(
            label("amount", "Amount", "required"),
            rx.el.div(
                rx.el.span(PayState.symbol, class_name="pl-money-symbol", aria_hidden="true"),
                input_box(
                    "amount",
                    PayState.errors["amount"],
                    hint_id="amount-hint",
                    type="text",
                    input_mode="decimal",
                    auto_complete="transaction-amount",
                    placeholder="0.00",
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
            rx.el.legend("Your details", class_name="pl-legend"),
            text_field(
                "customer_name",
                "Full name",
                PayState.errors["customer_name"],
                mode=modes["customer_name"],
                type="text",
                auto_complete="name",
            ),
            text_field(
                "business_name",
                "Business name",
                PayState.errors["business_name"],
                mode=modes["business_name"],
                type="text",
                auto_complete="organization",
            ),
            text_field(
                "email",
                "Email",
                PayState.errors["email"],
                mode=modes["email"],
                type="email",
                auto_complete="email",
                input_mode="email",
            ),
            text_field(
                "phone",
                "Phone",
                PayState.errors["phone"],
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
            rx.el.legend("Payment", class_name="pl-legend"),
            stripe_payment_element(
                PayState.stripe_publishable_key, PayState.fixed_amount, PayState.currency
            ),
            error_text("card_number", PayState.errors["card_number"]),
            class_name="pl-section",
        ),
        sandbox_card_fields(PayState.errors),
    )


def pay_button() -> rx.Component:
    return rx.el.button(
        rx.cond(
            PayState.processing,
            rx.fragment(spinner(), rx.el.span("Processing…")),
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
        link_header(
            PayState.merchant_name,
            PayState.merchant_initial,
            PayState.title,
            PayState.description,
            PayState.image_url,
            PayState.test_mode,
        ),
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
        "Someone else is paying right now",
        "The last place on this payment link is held by another customer who is paying at "
        "this moment. If they don't finish, it opens up again shortly. Nothing was charged.",
        # Not announced every second: the button's label says when it is time.
        rx.el.p(PayState.retry_text, id="retry-hint", aria_live="off"),
        # Always open: the place may free up early (the other customer's card declined).
        action=rx.el.button(
            "Try again",
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
        "Payment successful",
        rx.el.p(PayState.thank_you, id="thank-you"),
        receipt(
            [
                ("Amount paid", PayState.paid_amount, "paid-amount"),
                ("Paid to", PayState.merchant_name, "paid-to"),
                ("For", PayState.title, "paid-for"),
                ("Payment reference", PayState.reference, "payment-reference"),
            ],
            mono=("payment-reference",),
        ),
    )


def redirecting_screen() -> rx.Component:
    return status_screen(
        "screen-redirecting",
        "circle-check",
        "ok",
        "Payment successful",
        rx.el.p("Taking you back to ", PayState.merchant_name, "…"),
        rx.el.p(
            rx.el.a(
                "Continue",
                href=PayState.redirect_url,
                class_name="pl-link",
                id="continue-link",
            )
        ),
    )


def closed_screen(screen_id: str, icon: str, heading: str) -> rx.Component:
    return status_screen(
        screen_id,
        icon,
        "neutral",
        rx.cond(PayState.status_message != "", PayState.status_message, heading),
        rx.el.p(PayState.title, " · ", PayState.merchant_name),
        "If you still need to pay, ask the business for a new payment link.",
    )


def pay() -> rx.Component:
    return page_shell(
        rx.match(
            PayState.screen,
            (Screen.LOADING, loading_screen()),
            (
                Screen.NOT_FOUND,
                status_screen(
                    "screen-not-found",
                    "search-x",
                    "neutral",
                    "We couldn't find this payment link",
                    "Check the address, or ask the business that sent it for a new link.",
                ),
            ),
            (
                Screen.INACTIVE,
                closed_screen("screen-inactive", "ban", "This payment link is no longer active."),
            ),
            (
                Screen.EXPIRED,
                closed_screen("screen-expired", "clock", "This payment link has expired."),
            ),
            (Screen.UNAVAILABLE, unavailable_screen()),
            (
                Screen.ERROR,
                status_screen(
                    "screen-error",
                    "cloud-off",
                    "bad",
                    "This page can't load right now",
                    "We couldn't reach the payment service. Nothing was charged: please try "
                    "again in a moment.",
                    action=rx.el.button(
                        "Try again",
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
    )
