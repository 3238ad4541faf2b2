"""Webhook events received from gateways, kept by their own id so each is processed once."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class GatewayEventTable(Table, tablename="gateway_event"):
    # The gateway's event id (Stripe's ``evt_…``): a second delivery cannot insert again.
    id = Varchar(length=255, primary_key=True)
    store_id = Varchar(length=40)
    type = Varchar(length=100)
    # When the current delivery claimed the event; a claim left unfinished for long (a
    # crashed process) may be taken over by the gateway's next delivery.
    received_at = Timestamptz()
    processed_at = Timestamptz(null=True, default=None)
