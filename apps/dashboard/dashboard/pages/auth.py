"""Sign up and log in."""

import reflex as rx

from dashboard import routes
from dashboard.components.country_select import country_select
from dashboard.components.field import field, notice
from dashboard.components.layout import auth_shell
from dashboard.components.signup_sent import signup_sent
from dashboard.state.session import CURRENCIES, SessionState

ON_LOAD = [SessionState.skip_if_signed_in]


def login() -> rx.Component:
    errors = SessionState.auth_errors
    return auth_shell(
        rx.heading("Log in to your store", size="4"),
        rx.form(
            rx.vstack(
                field("email", "Email", errors, type="email", auto_complete="username"),
                field(
                    "password",
                    "Password",
                    errors,
                    type="password",
                    auto_complete="current-password",
                ),
                notice(SessionState.auth_notice),
                rx.button(
                    "Log in",
                    type="submit",
                    loading=SessionState.auth_busy,
                    width="100%",
                    data_testid="login-submit",
                ),
                spacing="3",
            ),
            on_submit=SessionState.login,
        ),
        rx.text(
            "New to Paylinks? ",
            rx.link("Create a store", href=routes.SIGNUP, data_testid="to-signup"),
            size="2",
        ),
    )


def signup() -> rx.Component:
    errors = SessionState.auth_errors
    return auth_shell(
        rx.heading("Create your store", size="4"),
        rx.form(
            rx.vstack(
                field("store_name", "Store name", errors, auto_complete="organization"),
                field("email", "Email", errors, type="email", auto_complete="username"),
                field(
                    "password",
                    "Password",
                    errors,
                    type="password",
                    auto_complete="new-password",
                    hint="At least 8 characters.",
                ),
                field(
                    "currency",
                    "Currency",
                    errors,
                    control=rx.select(CURRENCIES, name="currency", default_value="GBP"),
                    hint="Every link of the store charges in it.",
                ),
                field(
                    "country",
                    "Country",
                    errors,
                    control=country_select("country", "GB"),
                    hint="Customers' phone numbers are read as this country writes them.",
                ),
                notice(SessionState.auth_notice),
                signup_sent(),
                rx.button(
                    "Create store",
                    type="submit",
                    loading=SessionState.auth_busy,
                    width="100%",
                    data_testid="signup-submit",
                ),
                spacing="3",
            ),
            on_submit=SessionState.signup,
        ),
        rx.text("Already have a store? ", rx.link("Log in", href=routes.LOGIN), size="2"),
    )
