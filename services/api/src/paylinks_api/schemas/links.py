"""Request schemas of payment links; responses are the core's ``LinkView``.

Each field's type, limits and description are written once, below, and shared by the
new link (``LinkCreate``) and the edit (``LinkUpdate``), so that both edges of the API (and
the MCP tools, which take these schemas as their arguments) describe a field alike."""

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from paylinks.links.model import (
    DESCRIPTION_MAX,
    MAX_PAYMENTS_CAP,
    REFERENCE_MAX,
    TITLE_MAX,
    AfterPayment,
    AmountType,
    CustomerFields,
    LinkDraft,
    LinkType,
    Metadata,
    ThankYou,
)
from paylinks.money import MAX_AMOUNT
from paylinks_api.schemas import ID_PATTERN, documented, one_line

Title = Annotated[
    str,
    documented("Shown to the customer; 1–120 characters", pattern=one_line(TITLE_MAX)),
]
TypeOfLink = Annotated[LinkType, msgspec.Meta(description="one_off: one payment; reusable: many")]
AmountTypeOfLink = Annotated[
    AmountType, msgspec.Meta(description="fixed: you set amount; variable: the customer enters it")
]
Description = Annotated[
    str | None,
    documented("Shown under the title; up to 1,000 characters", maxLength=DESCRIPTION_MAX),
]
Reference = Annotated[
    str | None,
    documented("Internal and searchable, e.g. an invoice number", maxLength=REFERENCE_MAX),
]


def _minor(description: str) -> msgspec.Meta:
    return documented(description, minimum=1, maximum=MAX_AMOUNT)


Amount = Annotated[int | None, _minor("Required when fixed")]
MinAmount = Annotated[int | None, _minor("Variable only")]
MaxAmount = Annotated[int | None, _minor("Variable only")]
MaxPayments = Annotated[
    int | None,
    documented("Reusable only: cap on successful payments", minimum=1, maximum=MAX_PAYMENTS_CAP),
]
ExpiresAt = Annotated[datetime | None, msgspec.Meta(description="RFC 3339 time in the future")]
ImageId = Annotated[
    str | None, documented("An image uploaded with POST /v1/images", pattern=ID_PATTERN)
]
CustomerFieldModes = Annotated[
    CustomerFields | None, msgspec.Meta(description="Each field disabled by default")
]
AfterPaymentOfLink = Annotated[
    AfterPayment | None, msgspec.Meta(description="A thank-you page by default")
]
VenueId = Annotated[str | None, documented("A venue of the store", pattern=ID_PATTERN)]

#: What ``null`` (or nothing, on creation) means for a field whose value is an object.
_DEFAULTS: dict[str, Any] = {
    "customer_fields": CustomerFields(),
    "after_payment": ThankYou(),
    "metadata": {},
}


class LinkCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new payment link. The REST API's request body and the MCP tool's arguments: one
    schema, so that a link has the same rules and the same descriptions on both edges."""

    title: Title
    type: TypeOfLink = LinkType.REUSABLE
    amount_type: AmountTypeOfLink = AmountType.FIXED
    description: Description = None
    reference: Reference = None
    amount: Amount = None
    min_amount: MinAmount = None
    max_amount: MaxAmount = None
    max_payments: MaxPayments = None
    expires_at: ExpiresAt = None
    image_id: ImageId = None
    customer_fields: CustomerFieldModes = None
    after_payment: AfterPaymentOfLink = None
    venue_id: VenueId = None
    metadata: Metadata = {}

    def to_draft(self) -> LinkDraft:
        fields = msgspec.structs.asdict(self)
        return LinkDraft(**{**fields, **{f: _DEFAULTS[f] for f in _DEFAULTS if fields[f] is None}})


class LinkUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a payment link: a field left out stays as it is, ``null`` clears it
    (``customer_fields``, ``after_payment`` and ``metadata`` go back to their defaults).
    Each field follows the rules of a new link; the amount fields change only while the
    link has taken no payment and has none under way; ``max_payments`` is never below the
    payments taken plus those under way; ``type`` and ``currency`` never change. The REST
    API's request body and the MCP tool's arguments (with ``id``)."""

    title: Title | UnsetType = UNSET
    amount_type: AmountTypeOfLink | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    reference: Reference | UnsetType = UNSET
    amount: Amount | UnsetType = UNSET
    min_amount: MinAmount | UnsetType = UNSET
    max_amount: MaxAmount | UnsetType = UNSET
    max_payments: MaxPayments | UnsetType = UNSET
    expires_at: ExpiresAt | UnsetType = UNSET
    image_id: ImageId | UnsetType = UNSET
    customer_fields: CustomerFieldModes | UnsetType = UNSET
    after_payment: AfterPaymentOfLink | UnsetType = UNSET
    venue_id: VenueId | UnsetType = UNSET
    metadata: Metadata | UnsetType | None = UNSET

    def changes(self) -> dict[str, Any]:
        """The fields given, ``null`` as each field's cleared value."""
        given = {
            field: value
            for field in self.__struct_fields__
            if (value := getattr(self, field)) is not UNSET
        }
        return {f: _DEFAULTS[f] if v is None and f in _DEFAULTS else v for f, v in given.items()}
