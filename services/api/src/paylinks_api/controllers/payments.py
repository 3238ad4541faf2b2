"""Transactions of a link, payments, refunds, and the CSV exports (streamed)."""

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import Stream

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
from paylinks_api.problems import BadRequest
from paylinks_api.schemas.payments import RefundCreate

LinkId = Annotated[str, object_id("A payment link id (plink_…)")]
PaymentId = Annotated[str, object_id("A payment id (pay_…)")]
RefundId = Annotated[str, object_id("A refund id (re_…)")]
CreatedGte = Annotated[
    str | None,
    QueryParameter(
        name="created[gte]",
        description="Payments created at or after this RFC 3339 time",
        max_length=64,
    ),
]
CreatedLt = Annotated[
    str | None,
    QueryParameter(
        name="created[lt]", description="Payments created before this RFC 3339 time", max_length=64
    ),
]
CSV = "text/csv; charset=utf-8"


def csv_download(chunks: object, filename: str) -> Stream:
    return Stream(
        chunks,  # type: ignore[arg-type]
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _created(field: str, raw: str | None) -> datetime | None:
    """An RFC 3339 time with its offset, or a 400 naming the parameter."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        message = "Expected an RFC 3339 time with its offset, e.g. 2026-01-01T00:00:00Z."
        raise BadRequest("invalid_parameter", field, message)
    return value


def created_range(gte: str | None, lt: str | None) -> tuple[datetime | None, datetime | None]:
    start, end = _created("created[gte]", gte), _created("created[lt]", lt)
    if start is not None and end is not None and end <= start:
        raise BadRequest("invalid_parameter", "created[lt]", "Must be after created[gte].")
    return start, end


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
    ) -> Page[PaymentView]:
        """The link's transactions, newest first."""
        page = await payments.list_payments(principal, link_id, status, limit, starting_after)
        return Page(data=[to_payment_view(p) for p in page.data], has_more=page.has_more)

    @get("/payments.csv", responses=ERRORS, media_type=CSV)
    async def export(self, principal: Caller, link_id: LinkId) -> Stream:
        """Every transaction of the link with its refunds as CSV (amounts in minor units),
        newest first, streamed."""
        chunks = await export.link_csv(principal, link_id)
        return csv_download(chunks, f"{link_id}-payments.csv")


class PaymentController(Controller):
    path = "/v1"
    tags = ["Payments"]
    security = BEARER

    @get("/payments.csv", responses=ERRORS, media_type=CSV)
    async def export_store(
        self,
        principal: Caller,
        created_gte: CreatedGte = None,
        created_lt: CreatedLt = None,
    ) -> Stream:
        """The store's payments created in ``[created[gte], created[lt])`` with their
        refunds as CSV (amounts in minor units), newest first, streamed."""
        start, end = created_range(created_gte, created_lt)
        chunks = export.store_csv(principal, start, end)
        return csv_download(chunks, "payments.csv")

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

    @get("/refunds/{refund_id:str}", responses=ERRORS)
    async def get_refund(self, principal: Caller, refund_id: RefundId) -> Refund:
        return await refunds.get_refund(principal, refund_id)
