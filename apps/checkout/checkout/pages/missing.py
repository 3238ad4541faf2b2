"""Any address the checkout does not know (its 404 page)."""

import reflex as rx

from checkout.components.layout import page_shell
from checkout.components.screens import status_screen


def missing() -> rx.Component:
    return page_shell(
        status_screen(
            "screen-missing",
            "search-x",
            "neutral",
            "This page does not exist",
            "Check the address, or open the payment link the business sent you again.",
        )
    )
