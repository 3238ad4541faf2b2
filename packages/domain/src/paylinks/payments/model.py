"""Payments: the customer's details, the amount rules of a link, the payment lifecycle.

A payment holds a slot of its link from the moment it starts until it succeeds, fails, is
canceled or its hold times out; the capacity invariant lives in the repositories'
conditional updates, the rules here are pure.
"""

import re
from datetime import datetime
from enum import StrEnum

import msgspec
from email_validator import EmailNotValidError, validate_email

from paylinks.errors import FieldError, ValidationFailed
from paylinks.links.model import AmountType, FieldMode, PaymentLink
from paylinks.money import MAX_AMOUNT
from paylinks.phones import to_e164

NAME_MAX = 120
#: ``client_reference_id`` (as Stripe Payment Links): the integrator's id of the payment.
CLIENT_REFERENCE_MAX = 200
CLIENT_REFERENCE_PATTERN = "^[A-Za-z0-9_-]+$"
_CLIENT_REFERENCE = re.compile(CLIENT_REFERENCE_PATTERN)


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    PARTIALLY_REFUNDED = "partially_refunded"
    FULLY_REFUNDED = "fully_refunded"


#: The payment lifecycle, as data: where each status may go next.
TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED}
    ),
    PaymentStatus.SUCCEEDED: frozenset(
        {PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.FULLY_REFUNDED}
    ),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset(
        {PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.FULLY_REFUNDED}
    ),
    PaymentStatus.FULLY_REFUNDED: frozenset(),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.CANCELED: frozenset(),
}


def from_statuses(*targets: PaymentStatus) -> frozenset[PaymentStatus]:
    """The statuses from which a payment may move to each of ``targets``: those an update
    that moves it there may find it in (its ``WHERE status IN (…)``)."""
    return frozenset(status for status, moves in TRANSITIONS.items() if moves.issuperset(targets))


#: Paid and not all refunded: a refund may still move it on, in part or in full.
REFUNDABLE = from_statuses(PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.FULLY_REFUNDED)
#: The customer paid (refunds since included).
PAID = REFUNDABLE | {PaymentStatus.FULLY_REFUNDED}
#: Ended without being honoured: whatever the gateway still holds goes back to the customer.
NOT_HONOURED = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELED})


def status_after_refunds(amount: int, refunded: int) -> PaymentStatus:
    """A paid payment's status once ``refunded`` of its ``amount`` has been refunded."""
    if refunded <= 0:
        return PaymentStatus.SUCCEEDED
    if refunded >= amount:
        return PaymentStatus.FULLY_REFUNDED
    return PaymentStatus.PARTIALLY_REFUNDED


class Customer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The same four keys wherever a payment's customer appears."""

    business_name: str | None = None
    customer_name: str | None = None
    email: str | None = None
    phone: str | None = None


#: The customer's details a link may ask for, in the order a form shows them.
CUSTOMER_FIELDS: tuple[str, ...] = Customer.__struct_fields__


class Payment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    store_id: str
    payment_link_id: str
    amount: int
    currency: str
    status: PaymentStatus
    gateway: str
    reference: str | None
    customer: Customer
    card_last4: str | None
    failure_reason: str | None
    hold_expires_at: datetime
    created_at: datetime
    paid_at: datetime | None
    amount_refunded: int
    amount_refund_pending: int
    client_reference_id: str | None = None
    #: The checkout's language when the customer paid (their receipt's).
    locale: str | None = None

    @property
    def refundable(self) -> int:
        """What may still be refunded: nothing unless the payment is refundable."""
        if self.status not in REFUNDABLE:
            return 0
        return refundable(self.amount, self.amount_refunded, self.amount_refund_pending)


def refundable(amount: int, refunded: int, pending: int) -> int:
    """What may still be refunded: the amount less succeeded and pending refunds."""
    return max(0, amount - refunded - pending)


def checkout_amount(link: PaymentLink, amount: int | None) -> int:
    """The amount to charge: the link's own, or the customer's within the link's bounds."""
    if link.amount_type is AmountType.FIXED:
        if amount is not None and amount != link.amount:
            raise ValidationFailed([FieldError("amount", "This link has a fixed amount.")])
        assert link.amount is not None
        return link.amount
    if amount is None:
        raise ValidationFailed([FieldError("amount", "Enter an amount.")])
    low = link.min_amount or 1
    high = link.max_amount or MAX_AMOUNT
    if not low <= amount <= high:
        raise ValidationFailed(
            [
                FieldError(
                    "amount",
                    f"Enter an amount from {low} to {high}.",
                )
            ]
        )
    return amount


def _clean_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def validate_client_reference(value: str | None) -> str | None:
    """Up to 200 of ``A-Za-z0-9_-``, or None when blank; ValidationFailed otherwise."""
    if value is None or value == "":
        return None
    if len(value) > CLIENT_REFERENCE_MAX or _CLIENT_REFERENCE.fullmatch(value) is None:
        raise ValidationFailed(
            [
                FieldError(
                    "client_reference_id",
                    f"Use up to {CLIENT_REFERENCE_MAX} letters, digits, _ and -.",
                )
            ]
        )
    return value


def validate_customer(link: PaymentLink, customer: Customer, region: str) -> Customer:
    """Apply the link's field modes: required present, disabled dropped, values checked.

    Email is normalised by email-validator and phone numbers, read in ``region`` (the
    store's country) unless they start with +, are stored as E.164.
    """
    errors: list[FieldError] = []
    modes = link.customer_fields
    values: dict[str, str | None] = {}
    for field in CUSTOMER_FIELDS:
        mode: FieldMode = getattr(modes, field)
        value = _clean_text(getattr(customer, field))
        if mode is FieldMode.DISABLED:
            values[field] = None
            continue
        if value is None:
            if mode is FieldMode.REQUIRED:
                errors.append(FieldError(f"customer.{field}", "This field is required."))
            values[field] = None
            continue
        try:
            values[field] = _check(field, value, region)
        except ValueError as error:
            errors.append(FieldError(f"customer.{field}", str(error)))
    if errors:
        raise ValidationFailed(errors)
    return Customer(**values)


def _check(field: str, value: str, region: str) -> str:
    if field == "email":
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValueError(str(error)) from None
    if field == "phone":
        return to_e164(value, region)
    if len(value) > NAME_MAX:
        raise ValueError(f"At most {NAME_MAX} characters.")
    return value


class Card(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    number: str
    exp_month: int
    exp_year: int
    cvc: str


def luhn_valid(digits: str) -> bool:
    """Whether a card number's digits pass the Luhn check (a typo fails it)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def validate_card(card: Card, now: datetime) -> str:
    """The card number's digits, or ValidationFailed naming the fields at fault."""
    errors: list[FieldError] = []
    digits = card.number.replace(" ", "").replace("-", "")
    well_formed = digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19
    if not (well_formed and luhn_valid(digits)):
        errors.append(FieldError("card.number", "This card number is not valid."))
    if not 1 <= card.exp_month <= 12:
        errors.append(FieldError("card.exp_month", "Enter a month from 1 to 12."))
    elif (card.exp_year, card.exp_month) < (now.year, now.month):
        errors.append(FieldError("card.exp_year", "This card has expired."))
    elif card.exp_year > now.year + 30:
        errors.append(FieldError("card.exp_year", "Enter the expiry year printed on the card."))
    if not (card.cvc.isascii() and card.cvc.isdigit() and len(card.cvc) in (3, 4)):
        errors.append(FieldError("card.cvc", "Enter the 3-digit security code."))
    if errors:
        raise ValidationFailed(errors)
    return digits


class PaymentView(msgspec.Struct, frozen=True, kw_only=True):
    """A payment as its merchant sees it (API, events, exports)."""

    id: str
    payment_link_id: str
    amount: int
    currency: str
    status: PaymentStatus
    gateway: str
    reference: str | None
    customer: Customer
    card_last4: str | None
    failure_reason: str | None
    created_at: datetime
    paid_at: datetime | None
    amount_refunded: int
    amount_refundable: int
    client_reference_id: str | None


def to_payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        id=payment.id,
        payment_link_id=payment.payment_link_id,
        amount=payment.amount,
        currency=payment.currency,
        status=payment.status,
        gateway=payment.gateway,
        reference=payment.reference,
        customer=payment.customer,
        card_last4=payment.card_last4,
        failure_reason=payment.failure_reason,
        created_at=payment.created_at,
        paid_at=payment.paid_at,
        amount_refunded=payment.amount_refunded,
        amount_refundable=payment.refundable,
        client_reference_id=payment.client_reference_id,
    )
