"""Sending a link: the send form (email or SMS, in the Send dialog at the top of the page)
and the Sends tab, the history of its sends."""

import reflex as rx

from dashboard.components.field import field, notice
from dashboard.state.link_detail import LinkDetailState as S


def _card(title: str, *children: rx.Component, **props: object) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="3"), *children, spacing="3", width="100%"),
        width="100%",
        **props,
    )


def _channel_picker() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Email", value="email"),
        rx.segmented_control.item("SMS", value="sms"),
        value=S.send_channel,
        on_change=S.choose_channel,
        aria_label="Send by",
        data_testid="send-channel",
    )


def send_form() -> rx.Component:
    email = S.send_channel == "email"
    return rx.form(
        rx.vstack(
            _channel_picker(),
            field(
                "recipient",
                rx.cond(email, "Email address", "Mobile number"),
                S.send_errors,
                type=rx.cond(email, "email", "tel"),
                placeholder=rx.cond(email, "customer@example.com", S.phone_example),
                hint="The message has the title, the amount and the link. Phone numbers "
                "are read as your store's country writes them, or start with +.",
            ),
            notice(S.send_notice),
            rx.button(
                rx.icon("send", size=14),
                "Send link",
                type="submit",
                loading=S.sending,
                data_testid="send-submit",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=S.send,
        # The API checks addresses and numbers; its messages go under the field.
        no_validate=True,
        key=S.send_form_key,
        width="100%",
    )


def send_card_body() -> rx.Component:
    """The send form, or why this link can't be sent."""
    return rx.cond(
        S.sendable,
        send_form(),
        rx.callout(
            "Only an active link can be sent. This one is " + S.link.status_label.lower() + ".",
            icon="info",
            color_scheme="gray",
        ),
    )


def _message_row(message: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message.channel),
        rx.table.cell(message.recipient, class_name="pl-wrap"),
        rx.table.cell(rx.badge(message.status, color_scheme=message.status_color, variant="soft")),
        rx.table.cell(rx.text(message.note, size="1", color_scheme="gray")),
        rx.table.cell(rx.text(message.when, size="2", white_space="nowrap")),
    )


def sends_card() -> rx.Component:
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Channel"),
                rx.table.column_header_cell("Recipient"),
                rx.table.column_header_cell("Status"),
                rx.table.column_header_cell("Details"),
                rx.table.column_header_cell("When"),
            )
        ),
        rx.table.body(rx.foreach(S.messages, _message_row)),
        width="100%",
        data_testid="sends-table",
    )
    return _card(
        "Sends",
        rx.hstack(
            rx.text("Messages settle in the background.", size="2", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Refresh",
                variant="ghost",
                size="1",
                loading=S.messages_loading,
                on_click=S.refresh_messages,
                data_testid="refresh-sends",
            ),
            width="100%",
            align="center",
        ),
        notice(S.messages_error),
        rx.cond(
            S.messages.length() > 0,
            table,
            rx.text(
                rx.cond(
                    S.sendable,
                    "Nothing sent yet. Send the link with Send at the top of the page.",
                    "Nothing was sent while the link was active.",
                ),
                size="2",
                color_scheme="gray",
            ),
        ),
    )


def sharing_tab() -> rx.Component:
    """The sends of the link (Send itself is at the top of the page)."""
    return sends_card()
