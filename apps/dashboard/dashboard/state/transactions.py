"""The Transactions tab of a link: its payments page by page, the payments-per-day chart,
the CSV export, and refunding a payment (refunds settle asynchronously, so the dialog
polls them briefly and can be refreshed)."""

import asyncio
from datetime import datetime
from typing import Any

import reflex as rx

from dashboard import api, cursor_pages, routes
from dashboard.failures import FAILURES, form_failure, message
from dashboard.state.link_detail import LinkDetailState
from dashboard.transactions import (
    PaymentRow,
    ReceiptRow,
    RefundAmountError,
    RefundRow,
    daily_payments,
    payment_row,
    receipt_row,
    refund_amount,
    refund_prefill,
    refund_row,
)

PAGE_SIZE = 20
#: The chart reads up to this many of the newest payments (pages of 100).
CHART_PAGES = 10
#: How long the refund dialog keeps asking for a pending refund's outcome.
POLL_SECONDS = 1.0
POLL_TIMES = 10
#: The refund dialog lists up to this many pages of 100 of the payment's refunds.
REFUND_PAGES = 5


class TransactionsState(LinkDetailState):
    payments: list[PaymentRow] = []
    has_more: bool = False
    payments_error: str = ""
    payments_loading: bool = False

    chart: list[dict[str, Any]] = []
    chart_note: str = ""

    refund_open: bool = False
    refund_payment: PaymentRow = PaymentRow()
    refund_errors: dict[str, str] = {}
    refund_notice: str = ""
    refunding: bool = False
    #: Changes whenever the form must come back with a fresh default amount.
    refund_form_key: int = 0
    refunds: list[RefundRow] = []
    #: The receipt and refund notices emailed to the customer of the payment in the dialog.
    receipts: list[ReceiptRow] = []
    refunds_error: str = ""
    refunds_loading: bool = False
    polling: bool = False

    @rx.var
    def refund_prefill(self) -> str:
        """The refund form's amount: all that is left on the payment in the dialog."""
        return refund_prefill(self.refund_payment)

    # ---- the list and the chart ----------------------------------------------------------

    async def load_transactions(self) -> None:
        """``on_load`` (after the link): the first page and the chart."""
        self.payments, self.chart = [], []
        self.has_more = False
        self.payments_error = self.chart_note = ""
        self.refund_open = False
        if not self.found:
            return
        await self._fetch_payments()
        await self._fetch_chart()

    async def _fetch_payments(self, starting_after: str | None = None) -> None:
        params: api.Params = {"limit": PAGE_SIZE, "starting_after": starting_after}
        try:
            page = await self.api().list_payments(self.plink, params)
        except FAILURES as error:
            self.payments_error = message(error)
            return
        self.payments_error = ""
        rows = [payment_row(p, self.zone()) for p in page.get("data", [])]
        self.payments = [*self.payments, *rows] if starting_after else rows
        self.has_more = bool(page.get("has_more"))

    async def load_more(self) -> Any:
        if self.payments_loading or not self.has_more or not self.payments:
            return
        self.payments_loading = True
        yield
        try:
            await self._fetch_payments(self.payments[-1].id)
        finally:
            self.payments_loading = False

    async def _fetch_chart(self) -> None:
        client = self.api()
        try:
            payments, more = await cursor_pages.first_rows(
                lambda params: client.list_payments(self.plink, params), CHART_PAGES
            )
        except FAILURES:
            self.chart, self.chart_note = [], "The chart could not be loaded."
            return
        zone = self.zone()
        today = datetime.now(zone).date()
        self.chart = daily_payments(payments, self.currency, today, zone=zone)
        self.chart_note = f"From the newest {len(payments)} payments." if more else ""

    async def refresh(self) -> Any:
        """The list, the chart and the link's totals again."""
        if self.payments_loading:
            return
        self.payments_loading = True
        yield
        try:
            await self.reload_link()
            await self._fetch_payments()
            await self._fetch_chart()
        finally:
            self.payments_loading = False

    # ---- CSV -----------------------------------------------------------------------------

    def export_csv(self) -> Any:
        """The link's CSV, streamed by the dashboard's download route (``downloads.py``)."""
        if not self.found:
            return None
        return rx.download(
            url=routes.link_payments_csv(self.plink), filename=f"{self.plink}-payments.csv"
        )

    # ---- refunds -------------------------------------------------------------------------

    async def open_refund(self, payment_id: str) -> Any:
        row = next((p for p in self.payments if p.id == payment_id), None)
        if row is None:
            return
        self.refund_payment = row
        self.refund_errors = {}
        self.refund_notice = ""
        self.refunds = []
        self.receipts = []
        self.refund_form_key += 1
        self.refund_open = True
        yield
        await self._fetch_refunds()
        await self._fetch_receipts()
        if self._pending_refunds():
            yield TransactionsState.poll_refunds

    def set_refund_open(self, is_open: bool) -> None:
        # Not while a refund is being asked for: its answer belongs in the dialog.
        if not self.refunding:
            self.refund_open = is_open

    async def refund(self, form: dict[str, Any]) -> Any:
        payment = self.refund_payment
        if not payment.id or self.refunding:
            return
        self.refund_notice = ""
        try:
            amount = refund_amount(
                str(form.get("amount") or ""),
                payment.refundable,
                payment.currency or self.currency,
            )
        except RefundAmountError as error:
            self.refund_errors = {"amount": str(error)}
            return
        self.refund_errors = {}
        self.refunding = True
        yield
        try:
            await self.api().refund(payment.id, amount, str(form.get("reason") or "").strip())
        except FAILURES as error:
            self.refund_errors, self.refund_notice = form_failure(error, {"amount", "reason"})
            if isinstance(error, api.Problem):
                # Refused (another refund came first, say): the payment as it is now.
                await self._fetch_payment()
            return
        finally:
            self.refunding = False
        await self._after_refund_change()
        self.refund_form_key += 1
        yield rx.toast.success("Refund requested: it settles with the gateway shortly.")
        yield TransactionsState.poll_refunds

    async def refresh_refunds(self) -> Any:
        if self.refunds_loading or not self.refund_payment.id:
            return
        self.refunds_loading = True
        yield
        try:
            await self._after_refund_change()
        finally:
            self.refunds_loading = False

    @rx.event(background=True)
    async def poll_refunds(self) -> None:
        """Ask again for a while whether the pending refunds have settled."""
        async with self:
            if self.polling:
                return
            self.polling = True
        try:
            for _ in range(POLL_TIMES):
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not self.refund_open or not self._pending_refunds():
                        return
                    await self._after_refund_change()
        finally:
            async with self:
                self.polling = False

    def _pending_refunds(self) -> bool:
        return any(r.status == "pending" for r in self.refunds)

    async def _after_refund_change(self) -> None:
        """The refunds of the payment in the dialog, the payment, and the link's totals."""
        await self._fetch_refunds()
        await self._fetch_receipts()
        await self._fetch_payment()
        await self.reload_link()

    async def _fetch_refunds(self) -> None:
        client, payment_id = self.api(), self.refund_payment.id
        try:
            refunds, _ = await cursor_pages.first_rows(
                lambda params: client.list_refunds(payment_id, params), REFUND_PAGES
            )
        except FAILURES:
            self.refunds_error = "The refunds of this payment could not be loaded."
            return
        self.refunds_error = ""
        self.refunds = [refund_row(r, self.zone()) for r in refunds]

    async def _fetch_receipts(self) -> None:
        try:
            page = await self.api().list_receipts(self.refund_payment.id)
        except FAILURES:
            self.receipts = []
            return
        self.receipts = [receipt_row(m, self.zone()) for m in page.get("data") or []]

    async def _fetch_payment(self) -> None:
        """The payment in the dialog as it is now, in the dialog and in the table."""
        try:
            payment = await self.api().get_payment(self.refund_payment.id)
        except FAILURES:
            return
        row = payment_row(payment, self.zone())
        self.refund_payment = row
        self.payments = [row if p.id == row.id else p for p in self.payments]
