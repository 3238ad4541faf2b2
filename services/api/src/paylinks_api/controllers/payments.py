"""Transactions of a link, payments, refunds, and the CSV export."""

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody

from paylinks.messages import service as messages
from paylinks.pagination import Page
from paylinks.payments import export
from paylinks.payments import service as payments
from paylinks.payments.model import PaymentStatus, PaymentView, to_payment_view
from paylinks.refunds import service as refunds
from paylinks.refunds.model import Refund
from paylinks_api.controllers.params import DEFAULT_LIMIT, Limit, StartingAfter, object_id
from paylinks_api.deps import Caller, Ctx
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, ERRORS
from paylinks_api.schemas.checkout import ClientReferenceId
from paylinks_api.schemas.messages import MessageOut
from paylinks_api.schemas.payments import RefundCreate

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]
PaymentId = Annotated[str, object_id("A payment id (pay_…)")]
RefundId = Annotated[str, object_id("A refund id (re_…)")]


class LinkPaymentsController(Controller):
    path = "/v1/payment-links/{link_id:str}"
    tags = ["Payments"]
    security = BEARER

    @get("/payments", responses=ERRORS)
    async def list_payments(
        self,
        principal: Caller,
        link_id: LinkId,
        limit: Limit = DEFAULT_LIMIT,
        starting_after: StartingAfter = None,
        status: FromQuery[PaymentStatus | None] = None,
        client_reference_id: FromQuery[ClientReferenceId | None] = None,
    ) -> Page[PaymentView]:
        """The link's transactions, newest first; ``client_reference_id`` finds the payments
        an integrator tagged with its own id."""
        page = await payments.list_payments(
            principal, link_id, status, limit, starting_after, client_reference_id
        )
        return Page(data=[to_payment_view(p) for p in page.data], has_more=page.has_more)

    @get("/payments.csv", responses=ERRORS, media_type="text/csv")
    async def export(self, principal: Caller, link_id: LinkId) -> Response[str]:
        """Every transaction of the link as CSV (amounts in minor units)."""
        body = await export.export_csv(principal, link_id)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{link_id}-payments.csv"'},
        )


class PaymentController(Controller):
    path = "/v1"
    tags = ["Payments"]
    security = BEARER

    @get("/payments/{payment_id:str}", responses=ERRORS)
    async def get_payment(self, principal: Caller, payment_id: PaymentId) -> PaymentView:
        return to_payment_view(await payments.get_payment(principal, payment_id))

    @post("/payments/{payment_id:str}/refunds", responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def refund(
        self, principal: Caller, payment_id: PaymentId, data: JSONBody[RefundCreate], ctx: Ctx
    ) -> Refund:
        """Refund all that is left, or ``amount`` of it; settles asynchronously."""
        return await refunds.create_refund(
            principal, payment_id, data.amount, data.reason, ctx.urls, ctx.clock()
        )

    @get("/payments/{payment_id:str}/refunds", responses=ERRORS)
    async def list_refunds(
        self,
        principal: Caller,
        payment_id: PaymentId,
        limit: Limit = DEFAULT_LIMIT,
        starting_after: StartingAfter = None,
    ) -> Page[Refund]:
        """The payment's refunds, newest first."""
        return await refunds.list_refunds(principal, payment_id, limit, starting_after)

    @get("/payments/{payment_id:str}/receipts", responses=ERRORS)
    async def list_receipts(
        self,
        principal: Caller,
        payment_id: PaymentId,
        limit: Limit = DEFAULT_LIMIT,
        starting_after: StartingAfter = None,
    ) -> Page[MessageOut]:
        """The receipt and refund notices emailed to the payment's customer, newest first."""
        page = await messages.list_for_payment(principal, payment_id, limit, starting_after)
        return Page(data=[MessageOut.of(m) for m in page.data], has_more=page.has_more)

    @get("/refunds/{refund_id:str}", responses=ERRORS)
    async def get_refund(self, principal: Caller, refund_id: RefundId) -> Refund:
        return await refunds.get_refund(principal, refund_id)
