"""Sign up and log in."""

import reflex as rx
from reflex.event import EventSpec

from dashboard import routes
from dashboard.components.country_select import country_select
from dashboard.components.field import field, notice
from dashboard.components.layout import auth_shell
from dashboard.components.signup_sent import signup_sent
from dashboard.state.session import CURRENCIES, SessionState

ON_LOAD = [SessionState.skip_if_signed_in]


def edited(name: str) -> EventSpec:
    """Typing in a field takes its error away (no stale message under a corrected field)."""
    return SessionState.field_edited(name)  # type: ignore[call-arg, return-value]


def _email() -> rx.Component:
    """The merchant's email, the name they log in with."""
    return field(
        "email",
        "Email",
        SessionState.auth_errors,
        type="email",
        auto_complete="username",
        on_change=edited("email"),
    )


def login() -> rx.Component:
    errors = SessionState.auth_errors
    return auth_shell(
        rx.heading("Log in to your store", size="4", as_="h1"),
        rx.form(
            rx.vstack(
                _email(),
                field(
                    "password",
                    "Password",
                    errors,
                    type="password",
                    auto_complete="current-password",
                    on_change=edited("password"),
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
            rx.link(
                "Create a store", href=routes.SIGNUP, underline="always", data_testid="to-signup"
            ),
            size="2",
        ),
    )


def signup() -> rx.Component:
    errors = SessionState.auth_errors
    return auth_shell(
        rx.heading("Create your store", size="4", as_="h1"),
        rx.form(
            rx.vstack(
                field(
                    "store_name",
                    "Store name",
                    errors,
                    auto_complete="organization",
                    on_change=edited("store_name"),
                ),
                _email(),
                field(
                    "password",
                    "Password",
                    errors,
                    type="password",
                    auto_complete="new-password",
                    on_change=edited("password"),
                    hint="At least 8 characters.",
                ),
                field(
                    "currency",
                    "Currency",
                    errors,
                    control=rx.el.select(
                        *[rx.el.option(code, value=code) for code in CURRENCIES],
                        name="currency",
                        id="currency",
                        default_value="GBP",
                        class_name="pl-native-select",
                        data_testid="currency-select",
                    ),
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
        rx.text(
            "Already have a store? ",
            rx.link("Log in", href=routes.LOGIN, underline="always"),
            size="2",
        ),
    )
