"""What the public checkout sends and sees: nothing internal to the merchant."""

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode, urlsplit, urlunsplit

import msgspec

from paylinks.branding import text_on
from paylinks.links.model import (
    AmountType,
    CustomerFields,
    LinkStatus,
    Merchant,
    PaymentLink,
    PublicUrls,
    Redirect,
    ThankYou,
)
from paylinks.locales import SUPPORTED
from paylinks.payments.model import (
    CLIENT_REFERENCE_MAX,
    CLIENT_REFERENCE_PATTERN,
    Card,
    Customer,
    Payment,
    PaymentStatus,
)

DEFAULT_THANK_YOU = "Thank you! Your payment was received."


ClientReferenceId = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=CLIENT_REFERENCE_MAX,
        pattern=CLIENT_REFERENCE_PATTERN,
        description="The integrator's own id for the payment (as Stripe's client_reference_id)",
    ),
]
CheckoutLocale = Annotated[
    str,
    msgspec.Meta(
        max_length=16,
        description="The checkout's language, one of " + ", ".join(SUPPORTED),
    ),
]


class CheckoutLink(msgspec.Struct, kw_only=True):
    id: str
    merchant_name: str
    title: str
    description: str | None
    image_url: str | None
    currency: str
    amount_type: AmountType
    amount: int | None
    min_amount: int | None
    max_amount: int | None
    customer_fields: CustomerFields
    status: LinkStatus
    message: str | None
    gateway: str
    stripe_publishable_key: str | None
    #: The store's country: the default region of phone numbers and language of the page.
    country: str
    brand_color: str | None
    #: Black or white, whichever reads better on ``brand_color`` (WCAG contrast).
    brand_text_color: str | None
    logo_url: str | None
    #: Whether a customer who gives an email gets a receipt.
    receipts_enabled: bool

    @classmethod
    def of(
        cls,
        link: PaymentLink,
        merchant: Merchant,
        urls: PublicUrls,
        now: datetime,
    ) -> "CheckoutLink":
        status = link.status(now)
        message = {
            LinkStatus.INACTIVE: "This payment link is no longer active.",
            LinkStatus.EXPIRED: "This payment link has expired.",
        }.get(status)
        return cls(
            id=link.id,
            merchant_name=merchant.name,
            title=link.title,
            description=link.description,
            image_url=urls.image_url(link.image_id) if link.image_id else None,
            currency=link.currency,
            amount_type=link.amount_type,
            amount=link.amount,
            min_amount=link.min_amount,
            max_amount=link.max_amount,
            customer_fields=link.customer_fields,
            status=status,
            message=message,
            gateway=merchant.gateway or "sandbox",
            stripe_publishable_key=merchant.stripe_publishable_key,
            country=merchant.country,
            brand_color=merchant.brand_color,
            brand_text_color=text_on(merchant.brand_color) if merchant.brand_color else None,
            logo_url=urls.image_url(merchant.logo_image_id) if merchant.logo_image_id else None,
            receipts_enabled=merchant.receipts_enabled,
        )


class PaymentStart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: int | None = None
    customer: Customer | None = None
    client_reference_id: ClientReferenceId | None = None
    locale: CheckoutLocale | None = None


class PaymentConfirm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    card: Card | None = None


class AfterPaymentOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    message: str | None = None
    url: str | None = None


class CheckoutPayment(msgspec.Struct, kw_only=True):
    id: str
    payment_link_id: str
    status: PaymentStatus
    amount: int
    currency: str
    reference: str | None
    failure_reason: str | None
    hold_expires_at: datetime
    paid_at: datetime | None
    client_secret: str | None = None
    after_payment: AfterPaymentOut | None = None

    @classmethod
    def of(
        cls, payment: Payment, link: PaymentLink | None, client_secret: str | None = None
    ) -> "CheckoutPayment":
        """The answer for ``payment``; ``link`` is needed once it is paid (``shows_after``)."""
        after = None
        if shows_after(payment):
            if link is None:
                raise ValueError("A paid payment is shown with what happens after it.")
            after = after_payment(link, payment)
        return cls(
            id=payment.id,
            payment_link_id=payment.payment_link_id,
            status=payment.status,
            amount=payment.amount,
            currency=payment.currency,
            reference=payment.reference if payment.paid_at else None,
            failure_reason=payment.failure_reason,
            hold_expires_at=payment.hold_expires_at,
            paid_at=payment.paid_at,
            client_secret=client_secret,
            after_payment=after,
        )


def shows_after(payment: Payment) -> bool:
    """Whether the customer sees what happens after payment (from its link)."""
    return payment.status is PaymentStatus.SUCCEEDED or payment.paid_at is not None


def after_payment(link: PaymentLink, payment: Payment) -> AfterPaymentOut:
    """The thank-you page to show, or where to send the customer (with the ids appended)."""
    action = link.after_payment
    if isinstance(action, Redirect):
        return AfterPaymentOut(
            type="redirect",
            url=with_query(action.url, {"payment_id": payment.id, "payment_link_id": link.id}),
        )
    assert isinstance(action, ThankYou)
    return AfterPaymentOut(type="thank_you", message=action.message or DEFAULT_THANK_YOU)


def with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))
