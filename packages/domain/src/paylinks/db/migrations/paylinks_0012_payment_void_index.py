"""The sweeper looks for timed-out payments to cancel at their gateway every few seconds:
a partial index keeps that off the payment table, whose rows have nothing to cancel."""

from paylinks.db.indexes import index_migration

ID = "2026-11-26T08:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payment void index"

INDEXES = {"payment_void_due": "payment (void_due_at) WHERE void_due_at IS NOT NULL"}


async def forwards():
    return index_migration(ID, DESCRIPTION, INDEXES)
