"""The top of a link's page, what a merchant wants right after creating it: the URL with
Copy and Open, the QR code with Download, and Send (a dialog with the send form)."""

import reflex as rx

from dashboard.components.link_detail_sharing import send_card_body
from dashboard.state.link_detail import LinkDetailState as S

QR_SHOWN = "112px"


def _url() -> rx.Component:
    return rx.vstack(
        rx.text("Customers pay at", size="1", color_scheme="gray"),
        rx.code(S.link.url, word_break="break-all", data_testid="link-url", variant="ghost"),
        rx.flex(
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                size="2",
                on_click=[
                    rx.set_clipboard(S.link.url),
                    rx.toast.success("Link copied to the clipboard."),
                ],
                data_testid="copy-url",
            ),
            rx.link(
                rx.icon("external-link", size=14),
                "Open",
                href=S.link.url,
                is_external=True,
                class_name="pl-link-button",
                data_testid="open-url",
            ),
            _send_dialog(),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        spacing="2",
        min_width="0",
        flex="1 1 260px",
    )


def _qr() -> rx.Component:
    image = rx.cond(
        S.qr_src,
        rx.image(
            src=S.qr_src,
            alt="QR code of the link",
            width=QR_SHOWN,
            height=QR_SHOWN,
            class_name="pl-qr",
            data_testid="qr-image",
        ),
        rx.cond(
            S.qr_error,
            rx.text(S.qr_error, size="1", color_scheme="red", max_width="180px"),
            rx.center(rx.spinner(), width=QR_SHOWN, height=QR_SHOWN),
        ),
    )
    return rx.hstack(
        image,
        rx.button(
            rx.icon("download", size=14),
            "Download QR",
            variant="soft",
            size="2",
            on_click=S.download_qr,
            disabled=~S.qr_src.bool(),
            data_testid="download-qr",
        ),
        align="center",
        spacing="3",
    )


def _send_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("send", size=14), "Send", variant="soft", data_testid="send-open")
        ),
        rx.dialog.content(
            rx.dialog.title("Send this link"),
            rx.dialog.description(
                "By email or SMS, with the title, the amount and the link.",
                size="2",
                margin_bottom="12px",
            ),
            send_card_body(),
            rx.flex(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="12px",
            ),
            max_width="480px",
        ),
    )


def share_header() -> rx.Component:
    return rx.card(
        rx.flex(_url(), _qr(), spacing="5", wrap="wrap", align="center", width="100%"),
        width="100%",
        data_testid="share-header",
    )
