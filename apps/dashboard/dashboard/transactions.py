"""A link's transactions as the dashboard shows them (pure): payment and refund rows, the
refund amount a merchant types, and successful payments bucketed per day for the chart."""

from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo
from typing import Any

from dashboard.display import MoneyError, badge_color, moment_of, money, parse_major, when
from paylinks.money import format_plain, to_decimal
from paylinks.payments.model import PAID, REFUNDABLE

__all__ = [
    "CHART_DAYS",
    "CHART_MIN_DAYS",
    "RefundAmountError",
    "chart_range",
    "daily_payments",
    "payment_row",
    "refund_amount",
    "refund_row",
]

#: The chart covers at most this many days, the most recent ones.
CHART_DAYS = 90
#: ... and at least this many, so that a single day of payments reads as one day of two weeks.
CHART_MIN_DAYS = 14

STATUS_LABELS = {
    "succeeded": "Succeeded",
    "partially_refunded": "Partially refunded",
    "fully_refunded": "Refunded",
    "failed": "Failed",
    "canceled": "Canceled",
    "pending": "Pending",
}


class RefundAmountError(ValueError):
    """Why a typed refund amount cannot be asked for."""


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


@dataclass
class PaymentRow:
    """A payment as the Transactions tab shows it: each fact once, amounts as money except
    ``refundable`` (minor units, what the refund form checks against)."""

    id: str = ""
    currency: str = ""
    amount: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    failure_reason: str = ""
    reference: str = ""
    client_reference_id: str = ""
    card: str = ""
    customer_name: str = ""
    business_name: str = ""
    email: str = ""
    phone: str = ""
    refunded: str = ""
    #: What may still be refunded, in minor units (0 when nothing can be) and as money.
    refundable: int = 0
    refundable_label: str = ""
    #: The payment went through (its refunds can be listed).
    paid: bool = False
    date: str = ""


def payment_row(payment: dict[str, Any], zone: tzinfo = UTC) -> PaymentRow:
    """One payment of the table; nothing is refundable unless its status allows it."""
    currency = str(payment.get("currency") or "")
    status = str(payment.get("status") or "")
    customer = payment.get("customer") or {}
    refunded = int(payment.get("amount_refunded") or 0)
    refundable = int(payment.get("amount_refundable") or 0)
    if status not in REFUNDABLE:
        refundable = 0
    last4 = payment.get("card_last4")
    return PaymentRow(
        id=str(payment.get("id") or ""),
        currency=currency,
        amount=money(int(payment.get("amount") or 0), currency),
        status=status,
        status_label=_status_label(status),
        status_color=badge_color(status),
        failure_reason=str(payment.get("failure_reason") or ""),
        reference=str(payment.get("reference") or ""),
        client_reference_id=str(payment.get("client_reference_id") or ""),
        card=f"•••• {last4}" if last4 else "",
        customer_name=str(customer.get("customer_name") or ""),
        business_name=str(customer.get("business_name") or ""),
        email=str(customer.get("email") or ""),
        phone=str(customer.get("phone") or ""),
        refunded=money(refunded, currency) if refunded else "",
        refundable=refundable,
        refundable_label=money(refundable, currency) if refundable else "",
        paid=status in PAID,
        date=when(payment.get("paid_at") or payment.get("created_at"), zone),
    )


def refund_prefill(payment: PaymentRow) -> str:
    """The refund form's amount: all that is left, in major units (``14.50``)."""
    return format_plain(payment.refundable, payment.currency) if payment.refundable else ""


_RECEIPT_KINDS = {"receipt": "Receipt", "refund_notice": "Refund notice"}


@dataclass
class ReceiptRow:
    id: str = ""
    kind: str = ""
    recipient: str = ""
    status: str = ""
    error: str = ""
    date: str = ""


def receipt_row(message: dict[str, Any], zone: tzinfo = UTC) -> ReceiptRow:
    """A receipt or refund notice emailed to the payment's customer."""
    status = str(message.get("status") or "")
    if status == "sent" and not message.get("delivered"):
        label = "In the outbox (not delivered)"
    else:
        label = {"sent": "Sent", "queued": "Queued", "failed": "Failed"}.get(status, status)
    return ReceiptRow(
        id=str(message.get("id") or ""),
        kind=_RECEIPT_KINDS.get(str(message.get("kind") or ""), "Email"),
        recipient=str(message.get("recipient") or ""),
        status=label,
        error=str(message.get("error") or ""),
        date=when(message.get("sent_at") or message.get("created_at"), zone),
    )


@dataclass
class RefundRow:
    id: str = ""
    amount: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    reason: str = ""
    failure_reason: str = ""
    created: str = ""
    settled: str = ""


def refund_row(refund: dict[str, Any], zone: tzinfo = UTC) -> RefundRow:
    currency = str(refund.get("currency") or "")
    status = str(refund.get("status") or "")
    return RefundRow(
        id=str(refund.get("id") or ""),
        amount=money(int(refund.get("amount") or 0), currency),
        status=status,
        status_label=status.capitalize(),
        status_color=badge_color(status),
        reason=str(refund.get("reason") or ""),
        failure_reason=str(refund.get("failure_reason") or ""),
        created=when(refund.get("created_at"), zone),
        settled=when(refund.get("settled_at"), zone),
    )


def refund_amount(text: str, refundable: int, currency: str) -> int:
    """What the merchant typed (major units) as minor units, if it can be refunded:
    above zero, no more than what is left, and the currency's own decimals."""
    if not text.strip():
        raise RefundAmountError("Enter the amount to refund.")
    try:
        amount = parse_major(text, currency)
    except MoneyError as error:
        raise RefundAmountError(str(error)) from error
    if amount <= 0:
        raise RefundAmountError("Enter an amount above zero.")
    if amount > refundable:
        raise RefundAmountError(
            f"At most {money(refundable, currency)} is left to refund on this payment."
        )
    return amount


def _day(payment: dict[str, Any], zone: tzinfo) -> date | None:
    moment = moment_of(payment.get("paid_at") or payment.get("created_at"))
    return None if moment is None else moment.astimezone(zone).date()


def chart_range(
    first: date, last: date, today: date, days: int = CHART_DAYS, at_least: int = CHART_MIN_DAYS
) -> tuple[date, date]:
    """The days a chart of payments made from ``first`` to ``last`` covers: up to today
    (or the last payment, were the clock behind), at least ``at_least`` days so that one
    day of payments is not one fat bar, at most ``days``, from the first payment on."""
    end = max(today, last)
    start = max(end - timedelta(days=days - 1), min(first, end - timedelta(days=at_least - 1)))
    return start, end


def daily_payments(
    payments: list[dict[str, Any]],
    currency: str,
    today: date,
    days: int = CHART_DAYS,
    zone: tzinfo = UTC,
) -> list[dict[str, Any]]:
    """Paid payments per day (by ``paid_at``, in ``zone``), oldest first, one entry for
    every day of ``chart_range`` (a day without payments is zero); none without a paid
    payment.

    ``amount`` is the day's total in major units for the chart's axis only (a plotting
    coordinate, never used as money); ``total`` is the same total, formatted exactly."""
    counts: dict[date, int] = {}
    totals: dict[date, int] = {}
    for payment in payments:
        day = _day(payment, zone)
        if day is None or payment.get("status") not in PAID:
            continue
        counts[day] = counts.get(day, 0) + 1
        totals[day] = totals.get(day, 0) + int(payment.get("amount") or 0)
    if not counts:
        return []
    start, end = chart_range(min(counts), max(counts), today, days)
    series: list[dict[str, Any]] = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        total = totals.get(day, 0)
        series.append(
            {
                "day": day.strftime("%-d %b"),
                "date": day.isoformat(),
                "payments": counts.get(day, 0),
                "amount": float(to_decimal(total, currency)),
                "total": money(total, currency),
            }
        )
    return series
