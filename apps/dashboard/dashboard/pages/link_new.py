"""Create a payment link (being built)."""

import reflex as rx

from dashboard.components.layout import app_shell
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments]


def page() -> rx.Component:
    return app_shell("links", "Create a payment link", rx.text("This page is being built."))
