"""Prefixed, time-ordered identifiers: ``plink_`` + a UUIDv7 as 32 lowercase hex digits.

UUIDv7 sorts by creation time, so ordering by id is ordering by age: lists use the id as
their cursor and need no separate ``created_at`` index.
"""

from enum import StrEnum

import uuid_utils


class Prefix(StrEnum):
    STORE = "store"
    USER = "user"
    SESSION = "sess"
    API_KEY = "key"
    VENUE = "venue"
    LINK = "plink"
    IMAGE = "img"
    PAYMENT = "pay"
    REFUND = "re"
    EVENT = "evt"
    WEBHOOK_ENDPOINT = "we"
    MESSAGE = "msg"
    DELIVERY = "whd"
    ATTEMPT = "wha"


#: The shape of every id: a lowercase prefix, ``_``, a UUIDv7 as 32 lowercase hex digits.
ID_PATTERN = "^[a-z]+_[0-9a-f]{32}$"


def new_id(prefix: Prefix) -> str:
    return f"{prefix}_{uuid_utils.uuid7().hex}"
