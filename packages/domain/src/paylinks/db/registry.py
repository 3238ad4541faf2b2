"""Every table of the core, in one place for binding and migrations."""

from piccolo.table import Table

from paylinks.events.tables import EventTable
from paylinks.gateways.tables import GatewayEventTable
from paylinks.idempotency.tables import IdempotencyTable
from paylinks.images.tables import ImageTable
from paylinks.links.tables import PaymentLinkTable
from paylinks.messages.tables import MessageTable
from paylinks.payments.tables import PaymentTable
from paylinks.refunds.tables import RefundTable
from paylinks.stores.tables import ApiKeyTable, SessionTable, StoreTable, UserTable, VenueTable
from paylinks.webhooks.tables import (
    WebhookAttemptTable,
    WebhookDeliveryTable,
    WebhookEndpointTable,
)

TABLES: list[type[Table]] = [
    StoreTable,
    UserTable,
    SessionTable,
    ApiKeyTable,
    VenueTable,
    PaymentLinkTable,
    ImageTable,
    EventTable,
    IdempotencyTable,
    PaymentTable,
    RefundTable,
    GatewayEventTable,
    WebhookEndpointTable,
    WebhookDeliveryTable,
    WebhookAttemptTable,
    MessageTable,
]
