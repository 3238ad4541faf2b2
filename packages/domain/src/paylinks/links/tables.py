"""The payment link table. Status is not a column: it is derived in queries."""

from piccolo.columns import BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class PaymentLinkTable(Table, tablename="payment_link"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    venue_id = Varchar(length=40, null=True, default=None)
    title = Varchar(length=120)
    description = Text(null=True, default=None)
    reference = Varchar(length=120, null=True, default=None)
    type = Varchar(length=16)
    amount_type = Varchar(length=16)
    currency = Varchar(length=3)
    amount = BigInt(null=True, default=None)
    min_amount = BigInt(null=True, default=None)
    max_amount = BigInt(null=True, default=None)
    max_payments = Integer(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    image_id = Varchar(length=40, null=True, default=None)
    # Small JSON documents, encoded and decoded by the repository with msgspec.
    customer_fields = Text()
    after_payment = Text()
    metadata = Text()
    inactive_reason = Varchar(length=32, null=True, default=None)
    # The cap on successful payments (1 for one-off links), and how many slots are held
    # by payments under way: together they enforce the capacity invariant in SQL.
    capacity = Integer(null=True, default=None)
    slots_held = Integer(default=0)
    payments_count = Integer(default=0)
    amount_collected = BigInt(default=0)
    amount_refunded = BigInt(default=0)
    created_at = Timestamptz()
    deactivated_at = Timestamptz(null=True, default=None)
