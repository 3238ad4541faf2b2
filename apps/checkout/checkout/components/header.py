"""What the customer pays for: the merchant, the link's title, description and image.

The merchant's text may hold any word at any length: it wraps anywhere (the stylesheet),
and a long description is clamped with "Show more", so that Pay stays near on a phone.
"""

import reflex as rx

from checkout.state.pay import PayState


def _mark() -> rx.Component:
    """The store's logo, or its initial."""
    return rx.cond(
        PayState.logo_url != "",
        rx.el.img(src=PayState.logo_url, alt="", class_name="pl-logo", id="store-logo"),
        rx.el.div(PayState.merchant_initial, class_name="pl-avatar", aria_hidden="true"),
    )


def _description() -> rx.Component:
    return rx.cond(
        PayState.description != "",
        rx.el.div(
            rx.el.p(
                PayState.description,
                class_name=rx.cond(
                    PayState.description_long & ~PayState.description_open,
                    "pl-description pl-clamped",
                    "pl-description",
                ),
                id="link-description",
            ),
            rx.cond(
                PayState.description_long,
                rx.el.button(
                    rx.cond(
                        PayState.description_open, PayState.t["show_less"], PayState.t["show_more"]
                    ),
                    type="button",
                    class_name="pl-more",
                    id="description-toggle",
                    aria_expanded=rx.cond(PayState.description_open, "true", "false"),
                    aria_controls="link-description",
                    on_click=PayState.toggle_description,
                ),
            ),
        ),
    )


def link_header() -> rx.Component:
    t = PayState.t
    return rx.el.header(
        rx.el.div(
            _mark(),
            rx.el.span(PayState.merchant_name, class_name="pl-merchant-name", id="merchant-name"),
            rx.cond(
                PayState.test_mode,
                rx.el.span(t["test_mode"], class_name="pl-badge", title=t["test_mode_title"]),
            ),
            class_name="pl-merchant",
        ),
        rx.cond(
            PayState.image_url != "",
            rx.el.img(src=PayState.image_url, alt="", class_name="pl-image", id="link-image"),
        ),
        rx.el.h1(PayState.title, class_name="pl-title", id="link-title"),
        _description(),
        class_name="pl-header",
    )
