"""Create a payment link, blank or (Duplicate) filled from another link."""

import reflex as rx

from dashboard.components.layout import app_shell
from dashboard.components.link_form_page import form_with_preview
from dashboard.state.link_form import LinkFormState as F
from dashboard.state.session import SessionState

ON_LOAD = [SessionState.require_payments, F.open_page]


def page() -> rx.Component:
    title = rx.cond(F.duplicate_of, "Duplicate a payment link", "Create a payment link")
    return app_shell("links", title, form_with_preview())  # type: ignore[arg-type]
