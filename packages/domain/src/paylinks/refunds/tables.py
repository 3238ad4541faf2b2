from piccolo.columns import BigInt, Integer, Timestamptz, Varchar
from piccolo.table import Table


class RefundTable(Table, tablename="refund"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    payment_id = Varchar(length=40)
    payment_link_id = Varchar(length=40)
    amount = BigInt()
    currency = Varchar(length=3)
    reason = Varchar(length=500, null=True, default=None)
    status = Varchar(length=16)
    reference = Varchar(length=120, null=True, default=None)
    failure_reason = Varchar(length=300, null=True, default=None)
    created_at = Timestamptz()
    settled_at = Timestamptz(null=True, default=None)
    # The retry schedule of a pending refund: how many jobs took it, when the sweep may
    # enqueue it again, and until when the job that took it holds it.
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    lease_until = Timestamptz(null=True, default=None)
