"""The sign-up page's word once the form is sent: check your inbox. A live status region
that is always in the page, so that a screen reader reads the words when they appear."""

import reflex as rx

from dashboard.state.session import SessionState


def signup_sent() -> rx.Component:
    return rx.box(
        rx.cond(
            SessionState.signup_sent_to,
            rx.callout(
                rx.text(
                    "Check your inbox at ",
                    rx.text.strong(SessionState.signup_sent_to),
                    ": we sent a link to finish creating your store.",
                    # A long address breaks anywhere rather than overflow a phone's width.
                    overflow_wrap="anywhere",
                ),
                icon="mail",
                color_scheme="green",
                width="100%",
            ),
            rx.fragment(),
        ),
        role="status",
        aria_live="polite",
        width="100%",
        data_testid="signup-sent",
    )
