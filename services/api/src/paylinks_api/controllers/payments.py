"""Transactions of a link, payments, refunds, and the CSV exports (streamed)."""

from collections.abc import AsyncIterator
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody
from litestar.response import Stream

from paylinks.messages import service as messages
from paylinks.pagination import Page
from paylinks.payments import export
from paylinks.payments import service as payments
from paylinks.payments.model import PaymentStatus, PaymentView, to_payment_view
from paylinks.refunds import service as refunds
from paylinks.refunds.model import Refund
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, CreatedRange, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, CONFLICT, created
from paylinks_api.schemas.checkout import ClientReferenceId
from paylinks_api.schemas.messages import MessageOut
from paylinks_api.schemas.payments import RefundCreate

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]
PaymentId = Annotated[str, object_id("A payment id (pay_…)")]
RefundId = Annotated[str, object_id("A refund id (re_…)")]
CSV = "text/csv; charset=utf-8"


def csv_download(chunks: AsyncIterator[bytes], filename: str) -> Stream:
    """A CSV attachment sent as ``chunks`` come (no length up front)."""
    return Stream(
        chunks,
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class LinkPaymentsController(Controller):
    path = "/v1/payment-links/{link_id:str}"
    tags = ["Payments"]
    security = BEARER

    @get("/payments", responses=CONFLICT)
    async def list_payment_link_payments(
        self,
        principal: Caller,
        link_id: LinkId,
        window: ListWindow,
        status: FromQuery[PaymentStatus | None] = None,
        client_reference_id: FromQuery[ClientReferenceId | None] = None,
    ) -> Page[PaymentView]:
        """The link's transactions, newest first.

        ``client_reference_id`` finds the payments an integrator tagged with its own id."""
        page = await payments.list_payments(principal, link_id, status, window, client_reference_id)
        return Page(data=[to_payment_view(p) for p in page.data], has_more=page.has_more)

    @get("/payments.csv", responses=CONFLICT, media_type=CSV)
    async def export_payment_link_payments(self, principal: Caller, link_id: LinkId) -> Stream:
        """Every transaction of the link with its refunds as CSV, streamed.

        Newest first, amounts in minor units."""
        chunks = await export.link_csv(principal, link_id)
        return csv_download(chunks, f"{link_id}-payments.csv")


class PaymentController(Controller):
    path = "/v1"
    tags = ["Payments"]
    security = BEARER

    @get("/payments.csv", responses=CONFLICT, media_type=CSV)
    async def export_store_payments(self, principal: Caller, created: CreatedRange) -> Stream:
        """The store's payments with their refunds as CSV, streamed.

        Payments created within ``created[gte]`` … ``created[lt]`` (or any of
        ``created[gt|gte|lt|lte]``), newest first, amounts in minor units."""
        return csv_download(export.store_csv(principal, created), "payments.csv")

    @get("/payments/{payment_id:str}", responses=CONFLICT)
    async def get_payment(self, principal: Caller, payment_id: PaymentId) -> PaymentView:
        """One payment, with its amounts refunded and refundable."""
        return to_payment_view(await payments.get_payment(principal, payment_id))

    @post(
        "/payments/{payment_id:str}/refunds",
        responses=CONFLICT,
        opt=IN_ONE_TRANSACTION,
        **created("/v1/refunds/{id}"),
    )
    async def create_refund(
        self, principal: Caller, payment_id: PaymentId, data: JSONBody[RefundCreate], ctx: Ctx
    ) -> Refund:
        """Refund all that is left, or ``amount`` of it; settles asynchronously."""
        return await refunds.create_refund(
            principal, payment_id, data.amount, data.reason, ctx.urls, ctx.clock()
        )

    @get("/payments/{payment_id:str}/refunds", responses=CONFLICT)
    async def list_refunds(
        self,
        principal: Caller,
        payment_id: PaymentId,
        window: ListWindow,
    ) -> Page[Refund]:
        """The payment's refunds, newest first."""
        return await refunds.list_refunds(principal, payment_id, window)

    @get("/payments/{payment_id:str}/receipts", responses=CONFLICT)
    async def list_payment_receipts(
        self, principal: Caller, payment_id: PaymentId, window: ListWindow
    ) -> Page[MessageOut]:
        """The receipt and refund notices emailed to the payment's customer, newest first."""
        page = await messages.list_for_payment(principal, payment_id, window)
        return Page(data=[MessageOut.of(m) for m in page.data], has_more=page.has_more)

    @get("/refunds/{refund_id:str}", responses=CONFLICT)
    async def get_refund(self, principal: Caller, refund_id: RefundId) -> Refund:
        """One refund and its status."""
        return await refunds.get_refund(principal, refund_id)
