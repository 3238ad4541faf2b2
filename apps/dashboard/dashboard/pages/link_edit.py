"""Edit a payment link: the create form filled from it, what can't change shown disabled
with the reason."""

import reflex as rx

from dashboard.components.layout import app_shell
from dashboard.components.link_form_page import form_with_preview
from dashboard.state.link_form import LinkFormState as F
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments, F.open_page]


def page() -> rx.Component:
    return app_shell("links", "Edit payment link", form_with_preview())
