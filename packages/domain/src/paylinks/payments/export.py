"""A link's payments as CSV for the merchant's spreadsheet: amounts in minor units, every
field quoted, and no customer text that a spreadsheet could take for a formula."""

import csv
import io

from paylinks.errors import NotFound
from paylinks.links import repository as links
from paylinks.pagination import EVERY_ROW
from paylinks.payments import repository
from paylinks.stores.model import Principal
from paylinks.stores.service import require_payments

CSV_COLUMNS = [
    "id",
    "created_at",
    "paid_at",
    "status",
    "amount",
    "currency",
    "amount_refunded",
    "reference",
    "business_name",
    "customer_name",
    "email",
    "phone",
    "failure_reason",
]


async def export_csv(principal: Principal, link_id: str) -> str:
    """Every payment of the link, newest first, as CSV with amounts in minor units."""
    require_payments(principal)
    if await links.get(principal.store_id, link_id) is None:
        raise NotFound("No such payment link.")
    rows = await repository.list_for_link(link_id, principal.store_id, None, EVERY_ROW)
    out = io.StringIO()
    # Every field quoted: a spreadsheet that splits on another separator (";" in many
    # locales) cannot cut customer text into cells that start a formula.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for p in rows:
        writer.writerow(
            [
                p.id,
                p.created_at.isoformat(),
                p.paid_at.isoformat() if p.paid_at else "",
                p.status.value,
                p.amount,
                p.currency,
                p.amount_refunded,
                *(
                    _csv_safe(v)
                    for v in (
                        p.reference,
                        p.customer.business_name,
                        p.customer.customer_name,
                        p.customer.email,
                        p.customer.phone,
                        p.failure_reason,
                    )
                ),
            ]
        )
    return out.getvalue()


def _csv_safe(value: str | None) -> str:
    """Text from customers and gateways cannot become a spreadsheet formula."""
    text = value or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
