"""Use cases of payment links: create, read, list and deactivate, with their events."""

from datetime import datetime

from paylinks.db.engine import transaction
from paylinks.errors import FieldError, NotFound, ValidationFailed
from paylinks.events import service as events
from paylinks.events.model import link_created, link_deactivated
from paylinks.ids import Prefix, new_id
from paylinks.images import repository as images
from paylinks.links import repository
from paylinks.links.model import LinkDraft, PaymentLink, PublicUrls, to_view, validate_link
from paylinks.links.repository import LinkFilter
from paylinks.pagination import Page, Window, page_of
from paylinks.stores import repository as stores
from paylinks.stores.model import Principal
from paylinks.stores.service import get_store, require_payments


async def create_link(
    principal: Principal, draft: LinkDraft, urls: PublicUrls, now: datetime
) -> PaymentLink:
    require_payments(principal)
    store = await get_store(principal.store_id)
    draft = validate_link(draft, now)
    errors: list[FieldError] = []
    if draft.venue_id is not None and await stores.get_venue(store.id, draft.venue_id) is None:
        errors.append(FieldError("venue_id", "No such venue in this store."))
    if draft.image_id is not None and await images.get(store.id, draft.image_id) is None:
        errors.append(FieldError("image_id", "No such image: upload it with POST /v1/images."))
    if errors:
        raise ValidationFailed(errors)

    link = PaymentLink(
        id=new_id(Prefix.LINK),
        store_id=store.id,
        currency=store.currency,
        title=draft.title,
        type=draft.type,
        amount_type=draft.amount_type,
        description=draft.description,
        reference=draft.reference,
        amount=draft.amount,
        min_amount=draft.min_amount,
        max_amount=draft.max_amount,
        max_payments=draft.max_payments,
        expires_at=draft.expires_at,
        image_id=draft.image_id,
        customer_fields=draft.customer_fields,
        after_payment=draft.after_payment,
        venue_id=draft.venue_id,
        metadata=draft.metadata,
        inactive_reason=None,
        payments_count=0,
        amount_collected=0,
        amount_refunded=0,
        created_at=now,
        deactivated_at=None,
    )
    async with transaction():
        await repository.insert(link)
        await events.record(store.id, link_created(to_view(link, urls, now)), now)
    return link


async def get_link(principal: Principal, link_id: str) -> PaymentLink:
    require_payments(principal)
    return await _load(principal.store_id, link_id)


async def _load(store_id: str, link_id: str) -> PaymentLink:
    link = await repository.get(store_id, link_id)
    if link is None:
        raise NotFound("No such payment link.")
    return link


async def list_links(
    principal: Principal, filters: LinkFilter, now: datetime, window: Window
) -> Page[PaymentLink]:
    require_payments(principal)
    return page_of(await repository.list_links(principal.store_id, filters, now, window), window)


async def deactivate_link(
    principal: Principal, link_id: str, urls: PublicUrls, now: datetime
) -> PaymentLink:
    """Deactivate an active or expired link. Deactivating an inactive link changes nothing
    and sends no event, so that a retried request is harmless."""
    require_payments(principal)
    async with transaction():
        await _load(principal.store_id, link_id)
        if await repository.deactivate(principal.store_id, link_id, now):
            link = await _load(principal.store_id, link_id)
            await events.record(principal.store_id, link_deactivated(to_view(link, urls, now)), now)
            return link
    return await _load(principal.store_id, link_id)
