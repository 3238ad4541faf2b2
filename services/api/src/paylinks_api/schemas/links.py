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
    Metadata,
    ThankYou,
)

Minor = Annotated[int, msgspec.Meta(description="Integer minor units of the store currency")]


class LinkCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new payment link. The REST API's request body and the MCP tool's arguments: one
    schema, so that a link has the same rules and the same descriptions on both edges."""

    title: Annotated[str, msgspec.Meta(description="Shown to the customer; 1–120 characters")]
    type: Annotated[LinkType, msgspec.Meta(description="one_off: one payment; reusable: many")] = (
        LinkType.REUSABLE
    )
    amount_type: Annotated[
        AmountType,
        msgspec.Meta(description="fixed: you set amount; variable: the customer enters it"),
    ] = AmountType.FIXED
    description: Annotated[
        str | None, msgspec.Meta(description="Shown under the title; up to 1,000 characters")
    ] = None
    reference: Annotated[
        str | None, msgspec.Meta(description="Internal and searchable, e.g. an invoice number")
    ] = None
    amount: Annotated[Minor | None, msgspec.Meta(description="Required when fixed")] = None
    min_amount: Annotated[Minor | None, msgspec.Meta(description="Variable only")] = None
    max_amount: Annotated[Minor | None, msgspec.Meta(description="Variable only")] = None
    max_payments: Annotated[
        int | None, msgspec.Meta(description="Reusable only: cap on successful payments")
    ] = None
    expires_at: Annotated[
        datetime | None, msgspec.Meta(description="RFC 3339 time in the future")
    ] = None
    image_id: Annotated[
        str | None, msgspec.Meta(description="An image uploaded with POST /v1/images")
    ] = None
    customer_fields: Annotated[
        CustomerFields | None, msgspec.Meta(description="Each field disabled by default")
    ] = None
    after_payment: Annotated[
        AfterPayment | None, msgspec.Meta(description="A thank-you page by default")
    ] = None
    venue_id: Annotated[str | None, msgspec.Meta(description="A venue of the store")] = None
    metadata: Metadata = {}

    def to_draft(self) -> LinkDraft:
        fields = msgspec.structs.asdict(self)
        fields["customer_fields"] = self.customer_fields or CustomerFields()
        fields["after_payment"] = self.after_payment or ThankYou()
        return LinkDraft(**fields)
