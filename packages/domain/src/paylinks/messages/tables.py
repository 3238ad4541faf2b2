"""Sends of a link by email or SMS: each row is also its own outbox entry for the sender."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class MessageTable(Table, tablename="message"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    payment_link_id = Varchar(length=40)
    channel = Varchar(length=8)
    recipient = Varchar(length=320)
    status = Varchar(length=16)
    # smtp, twilio, or outbox (kept here, not delivered: nothing is configured to send).
    transport = Varchar(length=16, null=True, default=None)
    subject = Varchar(length=300, null=True, default=None)
    body_text = Text(null=True, default=None)
    error = Varchar(length=500, null=True, default=None)
    provider_id = Varchar(length=120, null=True, default=None)
    attempts = Integer(default=0)
    lease_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    # link: a send of the link; receipt / refund_notice: to the customer of payment_id.
    kind = Varchar(length=16, default="link")
    payment_id = Varchar(length=40, null=True, default=None)
    refund_id = Varchar(length=40, null=True, default=None)
    locale = Varchar(length=16, null=True, default=None)
