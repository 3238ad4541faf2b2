"""Webhook endpoints and deliveries: URL rules, the SSRF guard, the retry schedule and
Standard Webhooks signatures. Pure, apart from resolving a host name."""

import base64
import ipaddress
import secrets
import socket
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

import msgspec
from standardwebhooks.webhooks import Webhook

from paylinks.errors import Conflict, FieldError, ValidationFailed
from paylinks.events.model import Event, EventType

URL_MAX = 2000
SECRET_PREFIX = "whsec_"
#: After a rotation, the old secret also signs for this long, so receivers can switch.
ROTATION_OVERLAP = timedelta(hours=24)
TIMEOUT_SECONDS = 10.0
EXCERPT_MAX = 500
#: Endpoints a store may have at once (as Stripe allows): each event fans out to all.
MAX_ENDPOINTS = 16

#: Delay before each attempt: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (SPEC §6).
RETRY_SCHEDULE: tuple[timedelta, ...] = tuple(
    timedelta(seconds=s) for s in (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
)


class EndpointStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    FAILING = "failing"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    url: str
    events: list[EventType] | None
    status: EndpointStatus
    created_at: datetime

    def wants(self, event_type: EventType) -> bool:
        return self.events is None or event_type in self.events


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    response_excerpt: str | None
    error: str | None


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    event_id: str
    endpoint_id: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None


class Outgoing(msgspec.Struct, frozen=True, kw_only=True):
    """What one attempt needs, read in one query: the delivery, its endpoint's URL and
    status (None once the endpoint is deleted), the encrypted secrets that sign it, and
    the event (None if it is gone)."""

    delivery: Delivery
    url: str | None
    endpoint_status: EndpointStatus | None
    secrets_enc: list[str]
    event: Event | None


def deliveries_wanted(
    events: list[Event], endpoints: list[WebhookEndpoint]
) -> list[tuple[Event, WebhookEndpoint]]:
    """The (event, endpoint) pairs to deliver: each endpoint of the event's store that
    wants its type."""
    by_store: dict[str, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        by_store.setdefault(endpoint.store_id, []).append(endpoint)
    return [
        (event, endpoint)
        for event in events
        for endpoint in by_store.get(event.store_id, [])
        if endpoint.wants(event.type)
    ]


def signing_secrets(
    current: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    if previous and previous_expires_at and previous_expires_at > now:
        return [current, previous]
    return [current]


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def next_attempt_delay(attempts_made: int) -> timedelta | None:
    """How long to wait before the next attempt, or None when the schedule is spent."""
    if attempts_made >= len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[attempts_made]


def is_success(status_code: int) -> bool:
    return 200 <= status_code < 300


class AttemptResult(StrEnum):
    """What came of one attempt, as the metrics count it."""

    SUCCEEDED = "succeeded"  # a 2xx answer
    REJECTED = "rejected"  # any other answer
    UNREACHABLE = "unreachable"  # no answer: refused, timed out, or a private address
    ENDPOINT_GONE = "endpoint_gone"  # not sent: the endpoint was disabled or deleted


def attempt_result(status_code: int | None) -> AttemptResult:
    if status_code is None:
        return AttemptResult.UNREACHABLE
    return AttemptResult.SUCCEEDED if is_success(status_code) else AttemptResult.REJECTED


def split_url(url: str) -> SplitResult | None:
    """The parts of a URL, or None when it has none: an unclosed IPv6 bracket, or a port
    that is not a number from 1 to 65535 (urlsplit raises for the first, ``port`` for the
    second)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    return None if port == 0 else parts


def validate_endpoint(
    url: str, events: list[EventType] | None
) -> tuple[str, list[EventType] | None]:
    errors: list[FieldError] = []
    clean = url.strip()
    parts = split_url(clean)
    if (
        len(clean) > URL_MAX
        or parts is None
        or parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.username
        or parts.password
        or any(char.isspace() or not char.isprintable() for char in clean)
    ):
        errors.append(FieldError("url", "Enter an absolute http(s) URL."))
    if events is not None and not events:
        errors.append(FieldError("events", "Leave events out to receive every type."))
    if errors:
        raise ValidationFailed(errors)
    return clean, (sorted(set(events), key=list(EventType).index) if events else None)


#: IPv6 prefixes whose last 32 bits are the IPv4 address a packet really goes to: the
#: well-known NAT64 prefix (RFC 6052) and IPv4-compatible addresses (``::a.b.c.d``).
_LAST_32_BITS_ARE_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
#: Local-use NAT64 (RFC 8215): translated inside the operator's own network.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _reached(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address a connection to ``ip`` ends up at: the IPv4 address carried inside an
    IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address, else ``ip`` itself."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in _LAST_32_BITS_ARE_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip in _LOCAL_NAT64:
        return False
    reached = _reached(ip)
    return ip.is_global and reached.is_global and not reached.is_multicast


class TooManyEndpoints(Conflict):
    code = "endpoint_limit_reached"

    def __init__(self) -> None:
        super().__init__(
            f"A store can have at most {MAX_ENDPOINTS} webhook endpoints: delete one first."
        )


class UnsafeUrl(ValueError):
    pass


def check_destination(url: str, allow_private: bool) -> None:
    """Refuse URLs whose host resolves to a private, loopback or otherwise non-public
    address (unless the deployment allows them): webhooks must not reach inside."""
    if allow_private:
        return
    parts = split_url(url)
    if parts is None:
        raise UnsafeUrl("The URL is malformed.")
    host = parts.hostname or ""
    port = parts.port or 443
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host {host!r} does not resolve.") from None
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise UnsafeUrl(f"The host {host!r} resolves to a private or loopback address.")


def signature_header(secrets_: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """``v1,<base64>`` per secret, space-separated (two during a rotation)."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets_)
