from typing import Annotated

import msgspec


class RefundCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Annotated[
        int | None, msgspec.Meta(description="Minor units; default: all that is left to refund")
    ] = None
    reason: str | None = None
