"""Finishing a sign-up: the page the emailed link opens."""

import reflex as rx

from dashboard import routes
from dashboard.components.layout import auth_shell
from dashboard.state.signup_confirm import SignupConfirmState

ON_LOAD = [SignupConfirmState.confirm]


def page() -> rx.Component:
    return auth_shell(
        rx.heading("Finish creating your store", size="4"),
        rx.box(
            rx.cond(
                SignupConfirmState.confirm_problem,
                rx.vstack(
                    rx.callout(
                        SignupConfirmState.confirm_problem,
                        icon="triangle-alert",
                        color_scheme="red",
                        width="100%",
                    ),
                    rx.cond(
                        SignupConfirmState.confirm_used,
                        rx.link("Log in", href=routes.LOGIN, data_testid="confirm-to-login"),
                        rx.link(
                            "Sign up again", href=routes.SIGNUP, data_testid="confirm-to-signup"
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(rx.spinner(), rx.text("One moment…"), spacing="2"),
            ),
            role="status",
            aria_live="polite",
            width="100%",
            data_testid="signup-confirm",
        ),
    )
