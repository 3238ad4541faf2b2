"""Webhook endpoints, their deliveries (one per event and endpoint, with the retry state)
and every attempt made."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class WebhookEndpointTable(Table, tablename="webhook_endpoint"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40, index=True)
    url = Varchar(length=2000)
    # A JSON list of event types, or null for every type.
    events = Text(null=True, default=None)
    status = Varchar(length=16)
    # Signing secrets, encrypted at rest; the previous one is also used until it expires.
    secret_enc = Text()
    previous_secret_enc = Text(null=True, default=None)
    previous_secret_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    deleted_at = Timestamptz(null=True, default=None)


class WebhookDeliveryTable(Table, tablename="webhook_delivery"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    event_id = Varchar(length=40)
    endpoint_id = Varchar(length=40)
    status = Varchar(length=16)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    # A sender's claim, so that two workers rarely send the same attempt.
    lease_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    last_attempt_at = Timestamptz(null=True, default=None)


class WebhookAttemptTable(Table, tablename="webhook_attempt"):
    id = Varchar(length=40, primary_key=True)
    delivery_id = Varchar(length=40, index=True)
    attempted_at = Timestamptz()
    status_code = Integer(null=True, default=None)
    duration_ms = Integer()
    response_excerpt = Text(null=True, default=None)
    error = Varchar(length=500, null=True, default=None)
