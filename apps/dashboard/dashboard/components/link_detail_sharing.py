"""The Sharing tab of a link: its URL to copy, its QR code to download, the send form
(email or SMS) and the history of its sends."""

import reflex as rx

from dashboard.components.field import field, notice
from dashboard.state.link_detail import LinkDetailState as S


def _card(title: str, *children: rx.Component, **props: object) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="3"), *children, spacing="3", width="100%"),
        width="100%",
        **props,
    )


def url_card() -> rx.Component:
    return _card(
        "Link",
        rx.text("Customers pay at this address.", size="2", color_scheme="gray"),
        rx.hstack(
            rx.code(S.link["url"], class_name="pl-url", data_testid="link-url"),
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                variant="soft",
                on_click=[
                    rx.set_clipboard(S.link["url"]),
                    rx.toast.success("Link copied to the clipboard."),
                ],
                data_testid="copy-url",
            ),
            rx.link(
                rx.button(rx.icon("external-link", size=14), "Open", variant="soft"),
                href=S.link["url"],
                is_external=True,
            ),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
    )


def qr_card() -> rx.Component:
    image = rx.cond(
        S.qr_src,
        rx.image(
            src=S.qr_src,
            alt="QR code of the link",
            width="200px",
            height="200px",
            class_name="pl-qr",
            data_testid="qr-image",
        ),
        rx.cond(
            S.qr_error,
            rx.callout(S.qr_error, icon="triangle-alert", color_scheme="red"),
            rx.center(rx.spinner(), width="200px", height="200px"),
        ),
    )
    return _card(
        "QR code",
        rx.text(
            "Opens exactly this link. Print it or show it at the till.",
            size="2",
            color_scheme="gray",
        ),
        image,
        rx.button(
            rx.icon("download", size=14),
            "Download PNG",
            variant="soft",
            on_click=S.download_qr,
            disabled=~S.qr_src.bool(),
            data_testid="download-qr",
        ),
    )


def _channel_picker() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Email", value="email"),
        rx.segmented_control.item("SMS", value="sms"),
        value=S.send_channel,
        on_change=S.choose_channel,
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


def send_card() -> rx.Component:
    return _card(
        "Send",
        rx.cond(
            S.sendable,
            send_form(),
            rx.callout(
                "Only an active link can be sent. This one is "
                + S.link["status_label"].lower()
                + ".",
                icon="info",
                color_scheme="gray",
            ),
        ),
    )


def _message_row(message: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message["channel"]),
        rx.table.cell(message["recipient"]),
        rx.table.cell(
            rx.badge(message["status"], color_scheme=message["status_color"], variant="soft")
        ),
        rx.table.cell(rx.text(message["note"], size="1", color_scheme="gray")),
        rx.table.cell(rx.text(message["when"], size="2", white_space="nowrap")),
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
            rx.text("Nothing sent yet. Send the link above.", size="2", color_scheme="gray"),
        ),
    )


def sharing_tab() -> rx.Component:
    return rx.vstack(
        rx.grid(
            url_card(),
            qr_card(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        send_card(),
        sends_card(),
        spacing="4",
        width="100%",
    )
