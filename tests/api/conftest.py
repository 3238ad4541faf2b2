"""Fixtures of the API tests that send: a local SMTP sink, a fake Twilio, and the API with
its jobs configured to use them."""

import email
from collections.abc import AsyncIterator, Iterator
from email.message import Message as EmailMessage
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.conftest import serving
from tests.factories import ApiClient
from tests.fakes.twilio_server import FakeTwilio
from tests.live import free_port


class Sink:
    """An SMTP server on 127.0.0.1 that keeps what it receives; ``failures``: the replies
    of the next deliveries (e.g. "451 Try again later"), before it accepts again."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.failures: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failures:
            return self.failures.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def take(self, address: str) -> list[str]:
        """Remove the emails to ``address`` and return their plain texts (a ``Mailbox``)."""
        mine = [m for m in self.messages if m["To"] == address]
        self.messages = [m for m in self.messages if m["To"] != address]
        return [text_of(m) for m in mine]


def text_of(message: EmailMessage) -> str:
    """The plain-text part of an email."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode())
    return ""


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as fake:
        yield fake


@pytest.fixture
async def sending_api(
    settings: Settings, smtp: tuple[Sink, int], twilio: FakeTwilio
) -> AsyncIterator[ApiClient]:
    configured = msgspec.structs.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_starttls=False,
        email_from="Paylinks <pay@shop.example>",
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token="tok",
        twilio_from="+15005550006",
        twilio_api_base=twilio.url,
    )
    app = create_app(configured, run_jobs=True)
    async with serving(app) as client:
        yield ApiClient(client, mailbox=smtp[0].take)
