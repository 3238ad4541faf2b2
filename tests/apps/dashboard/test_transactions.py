"""A link's transactions as the dashboard shows them (pure): rows, refund amounts, chart."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from dashboard.transactions import (
    CHART_DAYS,
    CHART_MIN_DAYS,
    RefundAmountError,
    chart_range,
    daily_payments,
    payment_row,
    refund_amount,
    refund_prefill,
    refund_row,
)


def payment(**fields: object) -> dict[str, object]:
    return {
        "id": "pay_1",
        "amount": 1450,
        "currency": "GBP",
        "status": "succeeded",
        "reference": "sbx_123",
        "customer": {"customer_name": "Ada Lovelace", "email": "ada@example.com"},
        "card_last4": "4242",
        "created_at": "2026-11-26T14:00:00Z",
        "paid_at": "2026-11-26T14:05:00Z",
        "amount_refunded": 0,
        "amount_refundable": 1450,
        **fields,
    }


class TestPaymentRow:
    def test_a_paid_payment_can_be_refunded_in_full(self) -> None:
        row = payment_row(payment())
        assert (row.amount, row.status_label, row.status_color) == (
            "£14.50",
            "Succeeded",
            "green",
        )
        assert (row.customer_name, row.email, row.phone) == (
            "Ada Lovelace",
            "ada@example.com",
            "",
        )
        # One amount, kept once in minor units, shown as money, offered in major units.
        assert (row.refundable, row.refundable_label, refund_prefill(row)) == (
            1450,
            "£14.50",
            "14.50",
        )
        assert row.card == "•••• 4242"
        assert row.date == "26 Nov 2026, 14:05 UTC"
        assert row.refunded == ""

    def test_a_partly_refunded_payment_offers_what_is_left(self) -> None:
        row = payment_row(
            payment(status="partially_refunded", amount_refunded=450, amount_refundable=1000)
        )
        assert (row.refunded, refund_prefill(row), row.status_label) == (
            "£4.50",
            "10.00",
            "Partially refunded",
        )

    @pytest.mark.parametrize("status", ["failed", "pending", "canceled", "fully_refunded"])
    def test_nothing_to_refund_otherwise(self, status: str) -> None:
        row = payment_row(payment(status=status, amount_refundable=0, paid_at=None))
        assert (row.refundable, row.refundable_label, refund_prefill(row)) == (0, "", "")
        assert row.paid == (status == "fully_refunded")

    def test_a_failed_payment_says_why_and_dates_from_its_creation(self) -> None:
        row = payment_row(
            payment(status="failed", failure_reason="Card declined", paid_at=None, customer={})
        )
        assert row.failure_reason == "Card declined"
        assert row.date == "26 Nov 2026, 14:00 UTC"
        assert row.customer_name == ""


def test_refund_rows() -> None:
    row = refund_row(
        {
            "id": "re_1",
            "amount": 450,
            "currency": "GBP",
            "status": "failed",
            "failure_reason": "Refused by the bank",
            "created_at": "2026-11-26T15:00:00Z",
        }
    )
    assert (row.amount, row.status_label, row.status_color) == ("£4.50", "Failed", "red")
    assert row.failure_reason == "Refused by the bank"


class TestRefundAmount:
    def test_major_units_become_minor_units_exactly(self) -> None:
        assert refund_amount("4.50", 1450, "GBP") == 450
        assert refund_amount(" £14.50 ", 1450, "GBP") == 1450
        assert refund_amount("100", 500, "JPY") == 100
        assert refund_amount("1.234", 5000, "KWD") == 1234

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "Enter the amount"),
            ("0", "above zero"),
            ("0.00", "above zero"),
            ("-1", "negative"),
            ("14.51", "At most £14.50"),
            ("1.234", "2 decimal places"),
            ("ten", "plain decimal"),
        ],
    )
    def test_what_cannot_be_refunded_says_why(self, text: str, message: str) -> None:
        with pytest.raises(RefundAmountError, match=message):
            refund_amount(text, 1450, "GBP")

    def test_yen_have_no_decimals(self) -> None:
        with pytest.raises(RefundAmountError, match="0 decimal places"):
            refund_amount("1.5", 500, "JPY")


#: The day the merchant looks at the chart, in the tests below.
TODAY = date(2026, 11, 28)


class TestDailyPayments:
    def test_paid_payments_are_counted_and_summed_per_day_with_gaps_filled(self) -> None:
        series = daily_payments(
            [
                payment(paid_at="2026-11-28T09:00:00Z", amount=1000),
                payment(status="partially_refunded", paid_at="2026-11-26T23:59:00Z"),
                payment(status="fully_refunded", paid_at="2026-11-26T01:00:00Z"),
                payment(status="failed", paid_at=None, created_at="2026-11-27T10:00:00Z"),
                payment(status="pending", paid_at=None, created_at="2026-11-25T10:00:00Z"),
            ],
            "GBP",
            TODAY,
        )
        assert [(d["date"], d["payments"], d["total"]) for d in series[-3:]] == [
            ("2026-11-26", 2, "£29.00"),
            ("2026-11-27", 0, "£0.00"),
            ("2026-11-28", 1, "£10.00"),
        ]
        assert series[-3]["day"] == "26 Nov"
        assert series[-3]["amount"] == 29.0
        assert series[-2]["amount"] == 0.0

    def test_one_day_of_payments_reads_as_one_day_of_two_weeks(self) -> None:
        series = daily_payments([payment(paid_at="2026-11-28T09:00:00Z")], "GBP", TODAY)
        assert len(series) == CHART_MIN_DAYS == 14
        assert (series[0]["date"], series[-1]["date"]) == ("2026-11-15", "2026-11-28")
        assert [d["payments"] for d in series] == [0] * 13 + [1]
        assert {d["total"] for d in series[:-1]} == {"£0.00"}

    def test_the_days_run_to_today_after_the_last_payment(self) -> None:
        series = daily_payments([payment(paid_at="2026-11-10T09:00:00Z")], "GBP", TODAY)
        assert (series[0]["date"], series[-1]["date"]) == ("2026-11-10", "2026-11-28")
        assert series[0]["payments"] == 1
        assert sum(d["payments"] for d in series) == 1

    def test_ninety_days_of_payments_are_ninety_days_each_with_its_own(self) -> None:
        paid = [
            payment(paid_at=f"{TODAY - timedelta(days=n)}T12:00:00Z", amount=100 * (n + 1))
            for n in range(90)
        ]
        series = daily_payments(paid, "GBP", TODAY)
        assert len(series) == CHART_DAYS == 90
        assert all(d["payments"] == 1 for d in series)
        assert series[-1]["total"] == "£1.00"
        assert series[0]["total"] == "£90.00"

    def test_days_are_the_merchants_own(self) -> None:
        late = [payment(paid_at="2026-11-27T02:00:00Z"), payment(paid_at="2026-11-27T06:00:00Z")]
        in_utc = daily_payments(late, "GBP", TODAY)
        assert [d["payments"] for d in in_utc if d["payments"]] == [2]
        assert [d["date"] for d in in_utc if d["payments"]] == ["2026-11-27"]
        in_new_york = daily_payments(late, "GBP", TODAY, zone=ZoneInfo("America/New_York"))
        assert [(d["date"], d["payments"]) for d in in_new_york if d["payments"]] == [
            ("2026-11-26", 1),
            ("2026-11-27", 1),
        ]

    def test_no_paid_payment_no_chart(self) -> None:
        assert daily_payments([payment(status="failed")], "GBP", TODAY) == []
        assert daily_payments([], "GBP", TODAY) == []

    def test_only_the_most_recent_days_are_kept(self) -> None:
        series = daily_payments(
            [payment(paid_at="2026-01-01T09:00:00Z"), payment(paid_at="2026-11-28T09:00:00Z")],
            "GBP",
            TODAY,
            days=7,
        )
        assert len(series) == 7
        assert series[-1]["date"] == "2026-11-28"
        assert series[0]["date"] == "2026-11-22"

    def test_a_payment_after_today_by_the_clock_still_shows(self) -> None:
        series = daily_payments([payment(paid_at="2026-11-29T01:00:00Z")], "GBP", TODAY)
        assert series[-1]["date"] == "2026-11-29"
        assert series[-1]["payments"] == 1


class TestChartRange:
    def test_a_range_is_at_least_two_weeks_and_at_most_ninety_days(self) -> None:
        assert chart_range(TODAY, TODAY, TODAY) == (date(2026, 11, 15), TODAY)
        assert chart_range(date(2026, 1, 1), TODAY, TODAY) == (TODAY - timedelta(days=89), TODAY)
        assert chart_range(date(2026, 10, 1), date(2026, 10, 2), TODAY) == (
            date(2026, 10, 1),
            TODAY,
        )
