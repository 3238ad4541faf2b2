"""Store Settings > Payments: the store (read-only), payments status and activation."""

import reflex as rx

from dashboard import routes
from dashboard.activation_form import (
    PUBLISHABLE_KEY,
    SANDBOX,
    SECRET_KEY,
    STRIPE,
    WEBHOOK_SECRET,
)
from dashboard.components.country_select import country_select
from dashboard.components.field import error_text, field, notice
from dashboard.components.image_dropzone import image_dropzone, remove_button
from dashboard.components.layout import app_shell
from dashboard.components.panel import link_button
from dashboard.state.session import SessionState
from dashboard.state.settings import SettingsState

ON_LOAD = [SessionState.require_session, SettingsState.load]


def _store_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Store", size="3"),
            rx.data_list.root(
                rx.data_list.item(
                    rx.data_list.label("Name"),
                    rx.data_list.value(SessionState.store_name, data_testid="settings-store-name"),
                ),
                rx.data_list.item(
                    rx.data_list.label("Currency"),
                    rx.data_list.value(
                        rx.hstack(
                            rx.code(
                                SessionState.currency,
                                flex_shrink="0",
                                data_testid="settings-currency",
                            ),
                            rx.text(
                                "Set when the store was created; every link charges in it.",
                                size="1",
                                color_scheme="gray",
                            ),
                            align="center",
                            spacing="2",
                        )
                    ),
                ),
                rx.data_list.item(
                    rx.data_list.label("Created"),
                    rx.data_list.value(SettingsState.store_created),
                ),
            ),
            spacing="3",
        ),
        width="100%",
    )


LOGO_UPLOAD = "logo-upload"


def _logo() -> rx.Component:
    return rx.vstack(
        rx.text("Logo", size="2", weight="medium"),
        rx.cond(
            SettingsState.logo_url != "",
            rx.hstack(
                rx.image(
                    src=SettingsState.logo_url,
                    alt="Your logo",
                    max_height="48px",
                    max_width="160px",
                    data_testid="logo-preview",
                ),
                remove_button(SettingsState.remove_logo, "logo-remove"),
                align="center",
                spacing="3",
            ),
        ),
        image_dropzone(
            LOGO_UPLOAD,
            SettingsState.logo_uploading,
            "Drop your logo here or click",
            SettingsState.upload_logo(rx.upload_files(upload_id=LOGO_UPLOAD)),
            SettingsState.logo_rejected,
            error_id="logo-error",
            test_id="logo-dropzone",
        ),
        rx.text(
            "Shown on your checkout and receipts, in place of your initial.",
            size="1",
            color_scheme="gray",
        ),
        error_text("logo", SettingsState.logo_error),
        spacing="2",
        width="100%",
    )


def _store_form() -> rx.Component:
    errors = SettingsState.store_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Store details", size="3"),
                field("name", "Store name", errors, default_value=SessionState.store_name),
                field(
                    "country",
                    "Country",
                    errors,
                    control=country_select("country", SessionState.country),
                    hint="Customers' phone numbers are read as this country writes them, "
                    "and the checkout speaks its language unless the customer's browser "
                    "asks for another.",
                ),
                field(
                    "brand_color",
                    "Brand colour",
                    errors,
                    default_value=SettingsState.brand_color,
                    placeholder="#1a73e8",
                    hint="The checkout's Pay button and your receipts wear it, with black "
                    "or white text, whichever reads better. Leave blank for the default.",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name="receipts_enabled",
                        default_checked=SettingsState.receipts_enabled,
                        id="receipts_enabled",
                    ),
                    rx.el.span("Email a receipt to customers who give their email address"),
                    html_for="receipts_enabled",
                    class_name="pl-check",
                ),
                _logo(),
                notice(SettingsState.store_notice),
                rx.button(
                    "Save",
                    type="submit",
                    loading=SettingsState.saving_store,
                    data_testid="store-save",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=SettingsState.save_store,
            key=SessionState.store_id,
        ),
        width="100%",
    )


def _status() -> rx.Component:
    return rx.cond(
        SessionState.payments_activated,
        rx.vstack(
            rx.hstack(
                rx.badge(
                    rx.icon("circle-check", size=14),
                    "Activated",
                    color_scheme="green",
                    size="2",
                    data_testid="payments-status",
                ),
                rx.text("with ", rx.text.strong(SettingsState.gateway_name), size="2"),
                rx.cond(
                    SettingsState.activated_on,
                    rx.text("since ", SettingsState.activated_on, size="2", color_scheme="gray"),
                    rx.fragment(),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                SessionState.test_mode,
                rx.text(
                    "Test mode: customers pay with the sandbox's test cards and no money moves.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(
                    "Payments go through your Stripe account. Your keys are stored encrypted "
                    "and never shown again.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.hstack(
                link_button(
                    "Go to Payment Links",
                    rx.icon("arrow-right", size=16, aria_hidden="true"),
                    href=routes.LINKS,
                    data_testid="to-payment-links",
                ),
                rx.cond(
                    SettingsState.switching_gateway,
                    rx.fragment(),
                    rx.button(
                        "Change gateway",
                        variant="soft",
                        color_scheme="gray",
                        on_click=SettingsState.start_switching,
                        data_testid="change-gateway",
                    ),
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
        ),
        rx.callout(
            "Payments are not activated yet. Choose how your store takes payments: "
            "Payment Links become available as soon as you do.",
            icon="info",
            color_scheme="blue",
            data_testid="payments-status",
        ),
    )


def _gateway_choice() -> rx.Component:
    return rx.radio_cards.root(
        rx.radio_cards.item(
            rx.vstack(
                rx.text("Sandbox", weight="bold"),
                rx.text("Test mode: no keys, test cards only.", size="1", color_scheme="gray"),
                spacing="1",
                align="start",
                width="100%",
            ),
            value=SANDBOX,
            data_testid="gateway-sandbox",
        ),
        rx.radio_cards.item(
            rx.vstack(
                rx.text("Stripe", weight="bold"),
                rx.text("Real payments with your Stripe account.", size="1", color_scheme="gray"),
                spacing="1",
                align="start",
                width="100%",
            ),
            value=STRIPE,
            data_testid="gateway-stripe",
        ),
        value=SettingsState.gateway_choice,
        on_value_change=SettingsState.choose_gateway,
        columns={"initial": "1", "sm": "2"},
        width="100%",
        aria_label="Gateway",
    )


def _secret_input(name: str, label: str, placeholder: str, hint: str) -> rx.Component:
    return field(
        name,
        label,
        SettingsState.activation_errors,
        hint=hint,
        type="password",
        placeholder=placeholder,
        auto_complete="off",
        spell_check=False,
    )


def _stripe_fields() -> rx.Component:
    return rx.vstack(
        _secret_input(
            SECRET_KEY,
            "Secret key",
            "sk_live_…",
            "Stripe Dashboard > Developers > API keys.",
        ),
        field(
            PUBLISHABLE_KEY,
            "Publishable key",
            SettingsState.activation_errors,
            placeholder="pk_live_…",
            auto_complete="off",
            spell_check=False,
            hint="Loads Stripe's card form on your checkout page.",
        ),
        _secret_input(
            WEBHOOK_SECRET,
            "Webhook signing secret",
            "whsec_…",
            "From the Stripe webhook endpoint that points at this Paylinks API "
            "(/v1/gateways/stripe/webhook).",
        ),
        spacing="3",
        width="100%",
    )


def _activation_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(
                rx.cond(SessionState.payments_activated, "Change gateway", "Activate payments"),
                size="3",
            ),
            _gateway_choice(),
            rx.cond(SettingsState.gateway_choice == STRIPE, _stripe_fields(), rx.fragment()),
            rx.cond(
                SessionState.payments_activated,
                rx.text(
                    "New payments use the new gateway from the moment you save.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.fragment(),
            ),
            notice(SettingsState.activation_notice),
            rx.hstack(
                rx.button(
                    rx.cond(SessionState.payments_activated, "Save gateway", "Activate payments"),
                    type="submit",
                    loading=SettingsState.activating,
                    data_testid="activate-submit",
                ),
                rx.cond(
                    SettingsState.switching_gateway,
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=SettingsState.cancel_switching,
                    ),
                    rx.fragment(),
                ),
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=SettingsState.activate,
        width="100%",
        data_testid="activation-form",
    )


def _payments_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payments", size="3"),
            _status(),
            rx.cond(
                SettingsState.show_activation_form,
                rx.vstack(rx.separator(size="4"), _activation_form(), spacing="4", width="100%"),
                rx.fragment(),
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def page() -> rx.Component:
    return app_shell(
        "settings",
        "Settings",
        rx.vstack(
            _payments_card(),
            _store_card(),
            _store_form(),
            spacing="4",
            width="100%",
            max_width="720px",
        ),
    )
