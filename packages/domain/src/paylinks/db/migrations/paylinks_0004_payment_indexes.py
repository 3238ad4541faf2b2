"""Indexes for transactions lists, hold sweeping and refunds."""

from paylinks.db.indexes import index_migration

ID = "2026-11-26T04:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment and refund indexes"

INDEXES = {
    "payment_link_payments": "payment (payment_link_id, id)",
    "payment_link_status_payments": "payment (payment_link_id, status, id)",
    "payment_store_id": "payment (store_id, id)",
    "payment_pending_holds": "payment (status, hold_expires_at)",
    "refund_payment_id": "refund (payment_id, id)",
    "refund_store_id": "refund (store_id, id)",
    "refund_status": "refund (status, id)",
}


async def forwards():
    return index_migration(ID, DESCRIPTION, INDEXES)
