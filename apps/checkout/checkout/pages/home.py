"""``/``: nothing to pay here; customers arrive through a payment link."""

import reflex as rx

from checkout.components.layout import page_shell
from checkout.components.screens import status_screen


def home() -> rx.Component:
    return page_shell(
        status_screen(
            "screen-home",
            "link",
            "neutral",
            "Paylinks checkout",
            "To pay, open the payment link the business sent you.",
        )
    )
