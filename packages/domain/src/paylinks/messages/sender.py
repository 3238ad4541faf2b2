"""Delivering a message: email over SMTP (aiosmtplib), SMS through the ``twilio`` SDK, or
the local outbox when neither is configured (the embedded default)."""

import asyncio
from email.errors import MessageError
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiosmtplib
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from paylinks.messages.model import Channel, Rendered, Transport
from paylinks.settings import Settings


class SendFailed(Exception):
    """``permanent`` failures are not retried (a refused recipient); others are."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class _RedirectedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends the SDK's requests to another base URL (a local fake in tests)."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=10)
        self._base = urlsplit(base)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(scheme=self._base.scheme, netloc=self._base.netloc))
        return super().request(method, url, *args, **kwargs)


def transport_for(channel: Channel, settings: Settings) -> Transport:
    if channel is Channel.EMAIL:
        return Transport.SMTP if settings.smtp_host else Transport.OUTBOX
    configured = settings.twilio_account_sid and settings.twilio_auth_token
    return Transport.TWILIO if configured and settings.twilio_from else Transport.OUTBOX


async def send(
    channel: Channel, recipient: str, rendered: Rendered, settings: Settings
) -> tuple[Transport, str | None]:
    """Deliver; returns the transport used and the provider's id, or raises SendFailed."""
    transport = transport_for(channel, settings)
    if transport is Transport.SMTP:
        return transport, await _send_email(recipient, rendered, settings)
    if transport is Transport.TWILIO:
        return transport, await asyncio.to_thread(_send_sms, recipient, rendered, settings)
    return transport, None


def build_email(recipient: str, rendered: Rendered, settings: Settings) -> EmailMessage:
    """The email of a message, or SendFailed (permanent) when its text cannot make one: a
    line break in the subject, say, from a title stored before titles were checked.
    Retrying would fail the same way every time."""
    try:
        message = EmailMessage()
        message["From"] = settings.email_from
        message["To"] = recipient
        message["Subject"] = rendered.subject
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        # Serialised once here, so that what cannot be written fails now, not in aiosmtplib.
        message.as_bytes()
    except (ValueError, TypeError, MessageError) as error:
        raise SendFailed(f"The email could not be built: {error}"[:300], permanent=True) from error
    return message


async def _send_email(recipient: str, rendered: Rendered, settings: Settings) -> str:
    message = build_email(recipient, rendered, settings)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=20,
        )
    except aiosmtplib.SMTPRecipientsRefused as refused:
        raise SendFailed(f"The mail server refused {recipient}.", permanent=True) from refused
    except (aiosmtplib.SMTPException, OSError) as error:
        raise SendFailed(f"SMTP: {type(error).__name__}: {error}"[:300], permanent=False) from error
    except (ValueError, MessageError) as error:
        # The message itself (aiosmtplib re-serialises it): the same on every attempt.
        raise SendFailed(f"The email could not be sent: {error}"[:300], permanent=True) from error
    return str(message.get("Message-ID") or "")


def _send_sms(recipient: str, rendered: Rendered, settings: Settings) -> str:
    http_client = (
        _RedirectedHttpClient(settings.twilio_api_base)
        if settings.twilio_api_base
        else TwilioHttpClient(timeout=10)
    )
    client = Client(
        settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client
    )
    try:
        sent = client.messages.create(to=recipient, from_=settings.twilio_from, body=rendered.sms)
    except TwilioRestException as error:
        # 4xx: the number or the request is wrong, retrying will not help.
        raise SendFailed(
            f"Twilio: {error.msg}"[:300],
            permanent=400 <= error.status < 500 and error.status != 429,
        ) from error
    except (TwilioException, OSError) as error:
        raise SendFailed(f"Twilio: {type(error).__name__}"[:300], permanent=False) from error
    return str(sent.sid)
