"""The payment link: its fields, its validation rules and its status, all pure.

Status is derived, never stored: ``inactive`` when an inactive reason holds, otherwise
``expired`` once ``expires_at`` has passed, otherwise ``active``.
"""

import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

import msgspec

from paylinks.documented import documented
from paylinks.errors import FieldError, ValidationFailed
from paylinks.money import MAX_AMOUNT

TITLE_MAX = 120
DESCRIPTION_MAX = 1000
REFERENCE_MAX = 120
THANK_YOU_MAX = 500
URL_MAX = 2000
METADATA_MAX_KEYS = 20
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500
MAX_PAYMENTS_CAP = 1_000_000_000
_ONE_LINE = "One line of text, without line breaks, tabs or other control characters."


class LinkType(StrEnum):
    ONE_OFF = "one_off"
    REUSABLE = "reusable"


class AmountType(StrEnum):
    FIXED = "fixed"
    VARIABLE = "variable"


class LinkStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    EXPIRED = "expired"


class InactiveReason(StrEnum):
    DEACTIVATED = "deactivated"
    COMPLETED = "completed"
    MAX_PAYMENTS_REACHED = "max_payments_reached"


class FieldMode(StrEnum):
    DISABLED = "disabled"
    OPTIONAL = "optional"
    REQUIRED = "required"


class CustomerFields(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    business_name: FieldMode = FieldMode.DISABLED
    customer_name: FieldMode = FieldMode.DISABLED
    email: FieldMode = FieldMode.DISABLED
    phone: FieldMode = FieldMode.DISABLED


class ThankYou(
    msgspec.Struct, frozen=True, tag_field="type", tag="thank_you", forbid_unknown_fields=True
):
    message: Annotated[str | None, documented(maxLength=THANK_YOU_MAX)] = None


class Redirect(
    msgspec.Struct, frozen=True, tag_field="type", tag="redirect", forbid_unknown_fields=True
):
    url: Annotated[
        str,
        documented("Absolute https URL (http for localhost only)", format="uri", maxLength=URL_MAX),
    ]


AfterPayment = ThankYou | Redirect

Metadata = Annotated[
    dict[str, str],
    documented(
        "Up to 20 string pairs",
        maxProperties=METADATA_MAX_KEYS,
        propertyNames={"minLength": 1, "maxLength": METADATA_KEY_MAX},
        additionalProperties={"type": "string", "maxLength": METADATA_VALUE_MAX},
    ),
]


class LinkDraft(msgspec.Struct, frozen=True, kw_only=True):
    """What a merchant asks for: the input of ``validate_link``."""

    title: str
    type: LinkType = LinkType.REUSABLE
    amount_type: AmountType = AmountType.FIXED
    description: str | None = None
    reference: str | None = None
    amount: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    max_payments: int | None = None
    expires_at: datetime | None = None
    image_id: str | None = None
    customer_fields: CustomerFields = CustomerFields()
    after_payment: AfterPayment = ThankYou()
    venue_id: str | None = None
    metadata: dict[str, str] = {}


class PaymentLink(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    title: str
    type: LinkType
    amount_type: AmountType
    currency: str
    description: str | None
    reference: str | None
    amount: int | None
    min_amount: int | None
    max_amount: int | None
    max_payments: int | None
    expires_at: datetime | None
    image_id: str | None
    customer_fields: CustomerFields
    after_payment: AfterPayment
    venue_id: str | None
    metadata: dict[str, str]
    inactive_reason: InactiveReason | None
    payments_count: int
    amount_collected: int
    amount_refunded: int
    created_at: datetime
    deactivated_at: datetime | None

    def status(self, now: datetime) -> LinkStatus:
        return derive_status(self.inactive_reason, self.expires_at, now)

    @property
    def capacity(self) -> int | None:
        """How many successful payments the link may take; None for no cap."""
        return link_capacity(self.type, self.max_payments)


def derive_status(
    inactive_reason: InactiveReason | None, expires_at: datetime | None, now: datetime
) -> LinkStatus:
    if inactive_reason is not None:
        return LinkStatus.INACTIVE
    if expires_at is not None and expires_at <= now:
        return LinkStatus.EXPIRED
    return LinkStatus.ACTIVE


def link_capacity(link_type: LinkType, max_payments: int | None) -> int | None:
    return 1 if link_type is LinkType.ONE_OFF else max_payments


#: The allowed moves of a link's inactive reason (None: active), as data. Only an active
#: link becomes inactive; reactivation (back to None) undoes a manual deactivation, or a
#: cap reached once the merchant has raised it; a completed one-off link stays completed.
#: Whatever the reason, a link whose successful payments fill its cap stays inactive.
INACTIVE_TRANSITIONS: dict[InactiveReason | None, frozenset[InactiveReason | None]] = {
    None: frozenset(InactiveReason),
    InactiveReason.DEACTIVATED: frozenset({None}),
    InactiveReason.COMPLETED: frozenset(),
    InactiveReason.MAX_PAYMENTS_REACHED: frozenset({None}),
}
#: The inactive reasons reactivation may clear: the ``WHERE`` of its conditional update.
REACTIVATABLE: frozenset[InactiveReason] = frozenset(
    reason for reason, moves in INACTIVE_TRANSITIONS.items() if reason is not None and None in moves
)


def can_become_inactive(current: InactiveReason | None, reason: InactiveReason) -> bool:
    return reason in INACTIVE_TRANSITIONS[current]


def reactivation_refused(link: "PaymentLink") -> str | None:
    """Why an inactive link cannot be made active again (a stable code), or None when it
    can (or is active already)."""
    if link.inactive_reason is None:
        return None
    full = link.capacity is not None and link.payments_count >= link.capacity
    if link.inactive_reason not in REACTIVATABLE or (full and link.type is LinkType.ONE_OFF):
        return "link_completed"
    if full:
        return "link_max_payments_reached"
    return None


def is_allowed_redirect(url: str) -> bool:
    """Absolute https URLs, or http for localhost only."""
    # urlsplit silently drops tabs and newlines: refuse them rather than check another URL
    # than the one stored (and later sent in a Location header).
    if any(char.isspace() or not char.isprintable() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    if not parts.netloc or not host or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and host in {"localhost", "127.0.0.1", "::1"}


def _has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (Unicode Cc) or a line or paragraph
    separator, which str.splitlines, and so an email header, treats as a line break. A
    title goes into email subjects, where a line break would split the header; multi-line
    text keeps its tabs, line breaks and separators."""
    for char in text:
        category = unicodedata.category(char)
        if multiline and (char in "\t\n\r" or category in ("Zl", "Zp")):
            continue
        if category in ("Cc", "Zl", "Zp"):
            return True
    return False


def _strip(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def _check_amount(errors: list[FieldError], field: str, value: int | None) -> None:
    if value is not None and not 0 < value <= MAX_AMOUNT:
        errors.append(
            FieldError(field, f"Must be a whole number of minor units from 1 to {MAX_AMOUNT}.")
        )


def _beyond_utc(moment: datetime) -> bool:
    """A time whose UTC is past the last representable day (9999-12-31 at -14:00)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return True
    return False


def validate_link(draft: LinkDraft, now: datetime) -> LinkDraft:
    """Check every rule of a new link and return it normalised (text trimmed).

    Raises ValidationFailed listing every broken rule with its field.
    """
    errors: list[FieldError] = []
    title = draft.title.strip()
    if not title:
        errors.append(FieldError("title", "Enter a title."))
    elif len(title) > TITLE_MAX:
        errors.append(FieldError("title", f"At most {TITLE_MAX} characters."))
    elif _has_control_characters(title):
        errors.append(FieldError("title", _ONE_LINE))
    description = _strip(draft.description)
    if description is not None and len(description) > DESCRIPTION_MAX:
        errors.append(FieldError("description", f"At most {DESCRIPTION_MAX} characters."))
    elif description is not None and _has_control_characters(description, multiline=True):
        errors.append(
            FieldError("description", "No control characters other than line breaks and tabs.")
        )
    reference = _strip(draft.reference)
    if reference is not None and len(reference) > REFERENCE_MAX:
        errors.append(FieldError("reference", f"At most {REFERENCE_MAX} characters."))
    elif reference is not None and _has_control_characters(reference):
        errors.append(FieldError("reference", _ONE_LINE))

    _validate_amounts(draft, errors)
    _validate_cap(draft, errors)

    if draft.expires_at is not None:
        if draft.expires_at.tzinfo is None:
            errors.append(FieldError("expires_at", "Give a time zone (RFC 3339)."))
        elif draft.expires_at <= now:
            errors.append(FieldError("expires_at", "Must be in the future."))
        elif _beyond_utc(draft.expires_at):
            errors.append(FieldError("expires_at", "Must be a time before the year 10000."))

    after = draft.after_payment
    if isinstance(after, ThankYou):
        message = _strip(after.message)
        if message is not None and len(message) > THANK_YOU_MAX:
            errors.append(
                FieldError("after_payment.message", f"At most {THANK_YOU_MAX} characters.")
            )
        after = ThankYou(message=message)
    elif len(after.url) > URL_MAX or not is_allowed_redirect(after.url):
        errors.append(
            FieldError(
                "after_payment.url", "Must be an absolute https URL (http only for localhost)."
            )
        )

    _validate_metadata(draft.metadata, errors)

    if errors:
        raise ValidationFailed(errors)
    return msgspec.structs.replace(
        draft, title=title, description=description, reference=reference, after_payment=after
    )


def _validate_amounts(draft: LinkDraft, errors: list[FieldError]) -> None:
    if draft.amount_type is AmountType.FIXED:
        if draft.amount is None:
            errors.append(FieldError("amount", "A fixed-amount link needs an amount."))
        _check_amount(errors, "amount", draft.amount)
        for field in ("min_amount", "max_amount"):
            if getattr(draft, field) is not None:
                errors.append(FieldError(field, "Only a variable-amount link has bounds."))
        return
    if draft.amount is not None:
        errors.append(
            FieldError("amount", "A variable-amount link has no amount: the customer enters it.")
        )
    _check_amount(errors, "min_amount", draft.min_amount)
    _check_amount(errors, "max_amount", draft.max_amount)
    if (
        draft.min_amount is not None
        and draft.max_amount is not None
        and draft.min_amount > draft.max_amount
    ):
        errors.append(FieldError("min_amount", "Must not be more than max_amount."))


def _validate_cap(draft: LinkDraft, errors: list[FieldError]) -> None:
    if draft.max_payments is None:
        return
    if draft.type is LinkType.ONE_OFF:
        errors.append(FieldError("max_payments", "A one-off link takes exactly one payment."))
    elif not 1 <= draft.max_payments <= MAX_PAYMENTS_CAP:
        errors.append(FieldError("max_payments", "Must be a whole number from 1."))


def _validate_metadata(metadata: dict[str, str], errors: list[FieldError]) -> None:
    if len(metadata) > METADATA_MAX_KEYS:
        errors.append(FieldError("metadata", f"At most {METADATA_MAX_KEYS} keys."))
    for key, value in metadata.items():
        if not key or len(key) > METADATA_KEY_MAX:
            errors.append(
                FieldError(
                    f"metadata.{key[:METADATA_KEY_MAX]}",
                    f"Keys are 1 to {METADATA_KEY_MAX} characters.",
                )
            )
        if len(value) > METADATA_VALUE_MAX:
            errors.append(
                FieldError(
                    f"metadata.{key[:METADATA_KEY_MAX]}",
                    f"Values are at most {METADATA_VALUE_MAX} characters.",
                )
            )


class LinkView(msgspec.Struct, frozen=True, kw_only=True):
    """A link as the API, the MCP tools and the events show it to its merchant."""

    id: str
    url: str
    title: str
    description: str | None
    reference: str | None
    type: LinkType
    amount_type: AmountType
    currency: str
    amount: int | None
    min_amount: int | None
    max_amount: int | None
    max_payments: int | None
    expires_at: datetime | None
    image_id: str | None
    image_url: str | None
    customer_fields: CustomerFields
    after_payment: AfterPayment
    venue_id: str | None
    metadata: dict[str, str]
    status: LinkStatus
    inactive_reason: InactiveReason | None
    payments_count: int
    amount_collected: int
    amount_refunded: int
    created_at: datetime
    deactivated_at: datetime | None


class Merchant(msgspec.Struct, frozen=True):
    """What the public checkout shows of a link's store, and the name of its gateway."""

    name: str
    gateway: str | None
    stripe_publishable_key: str | None
    country: str = "GB"
    brand_color: str | None = None
    logo_image_id: str | None = None
    receipts_enabled: bool = True


class PublicUrls(msgspec.Struct, frozen=True):
    """Where the checkout and the API are reached from outside."""

    checkout_url: str
    api_url: str

    def link_url(self, link_id: str) -> str:
        return f"{self.checkout_url}/pay/{link_id}"

    def image_url(self, image_id: str) -> str:
        return f"{self.api_url}/v1/images/{image_id}"


def to_view(link: PaymentLink, urls: PublicUrls, now: datetime) -> LinkView:
    return LinkView(
        id=link.id,
        url=urls.link_url(link.id),
        title=link.title,
        description=link.description,
        reference=link.reference,
        type=link.type,
        amount_type=link.amount_type,
        currency=link.currency,
        amount=link.amount,
        min_amount=link.min_amount,
        max_amount=link.max_amount,
        max_payments=link.max_payments,
        expires_at=link.expires_at,
        image_id=link.image_id,
        image_url=urls.image_url(link.image_id) if link.image_id else None,
        customer_fields=link.customer_fields,
        after_payment=link.after_payment,
        venue_id=link.venue_id,
        metadata=link.metadata,
        status=link.status(now),
        inactive_reason=link.inactive_reason,
        payments_count=link.payments_count,
        amount_collected=link.amount_collected,
        amount_refunded=link.amount_refunded,
        created_at=link.created_at,
        deactivated_at=link.deactivated_at,
    )
