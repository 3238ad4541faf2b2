"""Use cases of payment links: create, read, list, edit, deactivate and reactivate, with
their events."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from paylinks.db.engine import transaction
from paylinks.errors import Conflict, FieldError, NotFound, ValidationFailed
from paylinks.events import service as events
from paylinks.events.model import link_created, link_deactivated, link_updated
from paylinks.ids import Prefix, new_id
from paylinks.images import repository as images
from paylinks.links import repository
from paylinks.links.edits import AMOUNT_FIELDS, LinkHasPayments, cap_too_low, check_edit
from paylinks.links.model import (
    LinkDraft,
    PaymentLink,
    PublicUrls,
    reactivation_refused,
    to_view,
    validate_link,
)
from paylinks.links.repository import LinkFilter
from paylinks.pagination import Page, Window, page_of
from paylinks.payments import repository as payments
from paylinks.stores import repository as stores
from paylinks.stores.model import Principal
from paylinks.stores.service import get_store, require_payments


async def create_link(
    principal: Principal, draft: LinkDraft, urls: PublicUrls, now: datetime
) -> PaymentLink:
    require_payments(principal)
    store = await get_store(principal.store_id)
    draft = validate_link(draft, now)
    await _check_references(store.id, draft.venue_id, draft.image_id)

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


async def _check_references(store_id: str, venue_id: str | None, image_id: str | None) -> None:
    """The venue and the image a link names are the store's own."""
    errors: list[FieldError] = []
    if venue_id is not None and await stores.get_venue(store_id, venue_id) is None:
        errors.append(FieldError("venue_id", "No such venue in this store."))
    if image_id is not None and await images.get(store_id, image_id) is None:
        errors.append(FieldError("image_id", "No such image: upload it with POST /v1/images."))
    if errors:
        raise ValidationFailed(errors)


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


async def edit_link(
    principal: Principal,
    link_id: str,
    changes: Mapping[str, Any],
    urls: PublicUrls,
    now: datetime,
) -> PaymentLink:
    """Change the fields given (``paylinks.links.edits``), by the rules of a new link. An
    edit that changes nothing sends no event."""
    require_payments(principal)
    async with transaction():
        link = await _load(principal.store_id, link_id)
        changed = check_edit(link, changes, now)
        if not changed:
            return link
        await _check_references(link.store_id, changed.get("venue_id"), changed.get("image_id"))
        if changed.get("max_payments") is not None:
            # Holds that timed out still count until released: release them first.
            await payments.cancel_expired_holds(now, link.id)
        edited = await repository.update(link, changed, now)
        if edited is None:
            raise await _why_not_edited(link, changed)
        await events.record(link.store_id, link_updated(to_view(edited, urls, now)), now)
        return edited


async def _why_not_edited(link: PaymentLink, changed: Mapping[str, Any]) -> Exception:
    """A payment came first: say which rule it broke."""
    paid, held = await repository.payments_taken(link.store_id, link.id)
    if AMOUNT_FIELDS & changed.keys() and (paid or held):
        return LinkHasPayments()
    return cap_too_low(paid + held)


async def reactivate_link(
    principal: Principal, link_id: str, urls: PublicUrls, now: datetime
) -> PaymentLink:
    """Undo a deactivation (409 when the link was completed or its cap is reached).
    Reactivating an active link changes nothing and sends no event."""
    require_payments(principal)
    async with transaction():
        link = await _load(principal.store_id, link_id)
        if link.inactive_reason is None:
            return link
        reactivated = await repository.reactivate(link.store_id, link.id)
        if reactivated is None:
            fresh = await _load(link.store_id, link.id)
            code = reactivation_refused(fresh) or "link_completed"
            raise Conflict(_REFUSALS[code], code=code)
        await events.record(link.store_id, link_updated(to_view(reactivated, urls, now)), now)
        return reactivated


_REFUSALS = {
    "link_completed": "A one-off link that was paid stays inactive: create another link.",
    "link_max_payments_reached": "The link has taken max_payments payments: raise "
    "max_payments first.",
}
