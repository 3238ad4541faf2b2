"""Request schemas of payment links; responses are the core's ``LinkView``."""

from datetime import datetime
from typing import Annotated

import msgspec

from paylinks.links.model import (
    AfterPayment,
    AmountType,
    CustomerFields,
    LinkDraft,
    LinkType,
    ThankYou,
)

Minor = Annotated[int, msgspec.Meta(description="Integer minor units of the store currency")]


class LinkCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(description="Shown to the customer; 1–120 characters")]
    type: LinkType = LinkType.REUSABLE
    amount_type: AmountType = AmountType.FIXED
    description: str | None = None
    reference: Annotated[str | None, msgspec.Meta(description="Internal, searchable")] = None
    amount: Minor | None = None
    min_amount: Minor | None = None
    max_amount: Minor | None = None
    max_payments: int | None = None
    expires_at: datetime | None = None
    image_id: str | None = None
    customer_fields: Annotated[
        CustomerFields | None, msgspec.Meta(description="Each field disabled by default")
    ] = None
    after_payment: Annotated[
        AfterPayment | None, msgspec.Meta(description="A thank-you page by default")
    ] = None
    venue_id: str | None = None
    metadata: dict[str, str] = {}

    def to_draft(self) -> LinkDraft:
        fields = msgspec.structs.asdict(self)
        fields["customer_fields"] = self.customer_fields or CustomerFields()
        fields["after_payment"] = self.after_payment or ThankYou()
        return LinkDraft(**fields)
