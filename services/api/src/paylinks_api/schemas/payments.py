from typing import Annotated

import msgspec

from paylinks.money import MAX_AMOUNT
from paylinks.refunds.model import REASON_MAX
from paylinks_api.schemas import documented


class RefundCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Annotated[
        int | None,
        documented(
            "Minor units; default: all that is left to refund", minimum=1, maximum=MAX_AMOUNT
        ),
    ] = None
    reason: Annotated[str | None, documented(maxLength=REASON_MAX)] = None
