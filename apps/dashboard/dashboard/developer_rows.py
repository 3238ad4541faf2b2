"""Developers: API keys, webhook endpoints, events and their deliveries as the page's
tables show them, and the add-endpoint form read into a request (pure)."""

from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from typing import Any

from dashboard.display import local_time, moment_of, when

#: The event types an endpoint may subscribe to, in the order the form lists them.
EVENT_TYPES = (
    "payment_link.created",
    "payment_link.updated",
    "payment_link.paid",
    "payment_link.deactivated",
    "payment_link.refund.created",
    "payment_link.refund.succeeded",
    "payment_link.refund.failed",
)
#: The add-endpoint form names each event type's checkbox with this prefix.
EVENT_FIELD_PREFIX = "event:"
ALL_EVENTS = "All events"
EXCERPT_SHOWN = 160


@dataclass
class ApiKeyRow:
    id: str = ""
    name: str = ""
    last4: str = ""
    created: str = ""
    revoked: bool = False
    revoked_on: str = ""


@dataclass
class EndpointRow:
    id: str = ""
    url: str = ""
    events: str = ""
    status: str = ""
    created: str = ""
    enabled: bool = False


@dataclass
class EventRow:
    id: str = ""
    type: str = ""
    created: str = ""
    link_id: str = ""


@dataclass
class AttemptRow:
    at: str = ""
    outcome: str = ""
    ok: bool = False
    duration: str = ""
    excerpt: str = ""


@dataclass
class DeliveryRow:
    """One endpoint's delivery of an event; ``status`` is ``not_sent`` for an endpoint
    that has none yet (created after the event, say). ``attempts`` counts every attempt
    logged, redeliveries included."""

    endpoint_id: str = ""
    endpoint_url: str = ""
    endpoint_exists: bool = True
    status: str = ""
    attempts: int = 0
    next_retry: str = ""
    attempt_log: list[AttemptRow] = field(default_factory=list)


def to_the_second(timestamp: str | None, zone: tzinfo = UTC) -> str:
    """Attempts come seconds apart: ``26 Nov 2026, 07:12:05 GMT``."""
    moment = moment_of(timestamp)
    return when(timestamp, zone) if moment is None else local_time(moment, zone, seconds=True)


def api_key_row(key: dict[str, Any], zone: tzinfo = UTC) -> ApiKeyRow:
    revoked_at = key.get("revoked_at")
    return ApiKeyRow(
        id=str(key.get("id") or ""),
        name=str(key.get("name") or ""),
        last4=f"sk_…{key.get('last4') or ''}",
        created=when(key.get("created_at"), zone),
        revoked=bool(revoked_at),
        revoked_on=when(revoked_at, zone),
    )


def events_label(events: list[str] | None) -> str:
    return ", ".join(events) if events else ALL_EVENTS


def endpoint_row(endpoint: dict[str, Any], zone: tzinfo = UTC) -> EndpointRow:
    status = str(endpoint.get("status") or "")
    return EndpointRow(
        id=str(endpoint.get("id") or ""),
        url=str(endpoint.get("url") or ""),
        events=events_label(endpoint.get("events")),
        status=status,
        created=when(endpoint.get("created_at"), zone),
        enabled=status != "disabled",
    )


def event_row(event: dict[str, Any], zone: tzinfo = UTC) -> EventRow:
    data = event.get("data") or {}
    link = data.get("payment_link") or {}
    return EventRow(
        id=str(event.get("id") or ""),
        type=str(event.get("type") or ""),
        created=when(event.get("created_at"), zone),
        link_id=str(link.get("id") or ""),
    )


def attempt_row(attempt: dict[str, Any], zone: tzinfo = UTC) -> AttemptRow:
    code = attempt.get("status_code")
    error = str(attempt.get("error") or "")
    if code is not None:
        outcome = f"HTTP {code}" + (f" · {error}" if error else "")
    else:
        outcome = error or "No answer"
    excerpt = str(attempt.get("response_excerpt") or "")
    if len(excerpt) > EXCERPT_SHOWN:
        excerpt = excerpt[: EXCERPT_SHOWN - 1] + "…"
    return AttemptRow(
        at=to_the_second(attempt.get("attempted_at"), zone),
        outcome=outcome,
        ok=code is not None and 200 <= int(code) < 300,
        duration=f"{attempt.get('duration_ms') or 0} ms",
        excerpt=excerpt,
    )


def delivery_status(status: str, attempts: int) -> str:
    """``pending`` split in two: ``queued`` (about to be sent: new or redelivered, which
    starts a fresh schedule) and ``retrying`` (an attempt failed, another is scheduled)."""
    if status == "pending":
        return "retrying" if attempts else "queued"
    return status


def delivery_rows(
    event_type: str,
    deliveries: list[dict[str, Any]],
    endpoints: list[dict[str, Any]],
    zone: tzinfo = UTC,
) -> list[DeliveryRow]:
    """Each delivery of the event (newest attempts first), then each live endpoint that
    wants this type of event but has no delivery of it."""
    urls = {str(e.get("id")): str(e.get("url") or "") for e in endpoints}
    rows = []
    for delivery in deliveries:
        endpoint_id = str(delivery.get("endpoint_id") or "")
        attempts = int(delivery.get("attempts") or 0)
        status = delivery_status(str(delivery.get("status") or ""), attempts)
        attempts_made = sorted(
            delivery.get("attempt_log") or [],
            key=lambda a: str(a.get("attempted_at") or ""),
            reverse=True,
        )
        rows.append(
            DeliveryRow(
                endpoint_id=endpoint_id,
                endpoint_url=urls.get(endpoint_id, f"Deleted endpoint ({endpoint_id})"),
                endpoint_exists=endpoint_id in urls,
                status=status,
                attempts=len(attempts_made),
                next_retry=(
                    when(delivery.get("next_attempt_at"), zone) if status == "retrying" else ""
                ),
                attempt_log=[attempt_row(a, zone) for a in attempts_made],
            )
        )
    delivered = {row.endpoint_id for row in rows}
    for endpoint in endpoints:
        endpoint_id = str(endpoint.get("id"))
        wanted = endpoint.get("events")
        if endpoint_id not in delivered and (not wanted or event_type in wanted):
            rows.append(
                DeliveryRow(
                    endpoint_id=endpoint_id, endpoint_url=urls[endpoint_id], status="not_sent"
                )
            )
    return rows


def redelivered(row: DeliveryRow, delivery: dict[str, Any]) -> DeliveryRow:
    """The row once the API queued a redelivery (its answer carries no attempts: the
    earlier ones stay listed)."""
    status = delivery_status(str(delivery.get("status") or ""), int(delivery.get("attempts") or 0))
    return replace(row, status=status, next_retry="")


def endpoint_request(form: dict[str, Any]) -> tuple[str, list[str] | None, dict[str, str]]:
    """The URL and the chosen event types (None: every type) of the add-endpoint form,
    and a message per field that cannot be sent as it is."""
    url = str(form.get("url") or "").strip()
    chosen = [
        name.removeprefix(EVENT_FIELD_PREFIX)
        for name, value in form.items()
        if name.startswith(EVENT_FIELD_PREFIX) and value and value not in ("off", "false")
    ]
    events = [t for t in EVENT_TYPES if t in chosen] or None
    errors = {}
    if not url:
        errors["url"] = "Enter the URL that will receive the events (https://…)."
    return url, events, errors
