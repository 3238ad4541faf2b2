"""The outbox: an event row is written in the same transaction as the change it reports."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table


class EventTable(Table, tablename="event"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    type = Varchar(length=64)
    payment_link_id = Varchar(length=40, null=True, default=None)
    # The refund a refund event reports, so that the relay reads it without parsing data.
    refund_id = Varchar(length=40, null=True, default=None)
    data = Text()
    created_at = Timestamptz()
    # Set by the relay once the event's jobs are enqueued; null rows are still to relay.
    relayed_at = Timestamptz(null=True, default=None)
    # A relay's claim on the row, so that two relays rarely enqueue it twice.
    relay_lease_until = Timestamptz(null=True, default=None)
