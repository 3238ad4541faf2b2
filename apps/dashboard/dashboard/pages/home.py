"""The root: to the links when payments are on, to their activation otherwise."""

import reflex as rx

from dashboard.state.session import SessionState

ON_LOAD = [SessionState.open_home]


def page() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")
