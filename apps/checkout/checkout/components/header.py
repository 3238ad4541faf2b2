"""What the customer pays for: the merchant, the link's title, description and image."""

import reflex as rx


def link_header(
    merchant_name: rx.Var,
    initial: rx.Var,
    title: rx.Var,
    description: rx.Var,
    image_url: rx.Var,
    test_mode: rx.Var,
) -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.el.div(initial, class_name="pl-avatar", aria_hidden="true"),
            rx.el.span(merchant_name, class_name="pl-merchant-name", id="merchant-name"),
            rx.cond(
                test_mode,
                rx.el.span("Test mode", class_name="pl-badge", title="Sandbox: no real money"),
            ),
            class_name="pl-merchant",
        ),
        rx.cond(
            image_url != "",
            rx.el.img(src=image_url, alt="", class_name="pl-image", id="link-image"),
        ),
        rx.el.h1(title, class_name="pl-title", id="link-title"),
        rx.cond(
            description != "",
            rx.el.p(description, class_name="pl-description", id="link-description"),
        ),
        class_name="pl-header",
    )
