"""Developers (being built)."""

import reflex as rx

from dashboard.components.layout import app_shell
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_session]


def page() -> rx.Component:
    return app_shell("developers", "Developers", rx.text("This page is being built."))
