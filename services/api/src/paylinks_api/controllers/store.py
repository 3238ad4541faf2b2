"""The caller's store, payments activation, API keys and venues."""

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import JSONBody

from paylinks.pagination import Page
from paylinks.stores import service as stores
from paylinks_api.controllers.params import object_id
from paylinks_api.deps import Caller, Ctx, ListWindow
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, CONFLICT, created
from paylinks_api.schemas.stores import (
    Activate,
    ApiKeyCreate,
    ApiKeyOut,
    MeOut,
    StoreOut,
    StoreUpdate,
    VenueCreate,
    VenueOut,
)

KeyId = Annotated[str, object_id("An API key id (key_…)")]
VenueId = Annotated[str, object_id("A venue id (venue_…)")]


class StoreController(Controller):
    path = "/v1"
    tags = ["Store"]
    security = BEARER

    @get("/store")
    async def get_store(self, principal: Caller, ctx: Ctx) -> StoreOut:
        """The caller's store: name, currency, country, branding and payments activation."""
        return StoreOut.of(await stores.get_store(principal.store_id), ctx.urls)

    @patch("/store")
    async def update_store(
        self, principal: Caller, data: JSONBody[StoreUpdate], ctx: Ctx
    ) -> StoreOut:
        """Change the store's name, country, branding or receipts; the currency is fixed."""
        store = await stores.update_store(principal.store_id, data.to_changes())
        return StoreOut.of(store, ctx.urls)

    @get("/me")
    async def get_me(self, principal: Caller, ctx: Ctx) -> MeOut:
        """The signed-in user (null for an API key) and their store."""
        user = await stores.get_user(principal.user_id) if principal.user_id else None
        store = await stores.get_store(principal.store_id)
        return MeOut(user=user, store=StoreOut.of(store, ctx.urls))

    @post("/store/payments/activate", status_code=200, responses=CONFLICT)
    async def activate_payments(
        self, principal: Caller, data: JSONBody[Activate], ctx: Ctx
    ) -> StoreOut:
        """Choose the gateway: ``sandbox``, or ``stripe`` with its keys (kept encrypted)."""
        store = await stores.activate_payments(
            principal.store_id,
            data.gateway,
            ctx.cipher,
            ctx.clock(),
            data.stripe_secret_key,
            data.stripe_webhook_secret,
            data.stripe_publishable_key,
        )
        return StoreOut.of(store, ctx.urls)


class ApiKeyController(Controller):
    path = "/v1/api-keys"
    tags = ["API keys"]
    security = BEARER

    @post("/", opt=IN_ONE_TRANSACTION, **created("/v1/api-keys/{id}"))
    async def create_api_key(
        self, principal: Caller, data: JSONBody[ApiKeyCreate], ctx: Ctx
    ) -> ApiKeyOut:
        """A new key; its secret is in this response only."""
        created = await stores.create_api_key(principal, data.name, ctx.clock())
        return ApiKeyOut.of(created.key, created.secret)

    @get("/")
    async def list_api_keys(self, principal: Caller, window: ListWindow) -> Page[ApiKeyOut]:
        """The store's API keys, newest first, revoked ones included."""
        page = await stores.list_api_keys(principal, window)
        return Page(data=[ApiKeyOut.of(key) for key in page.data], has_more=page.has_more)

    @get("/{key_id:str}")
    async def get_api_key(self, principal: Caller, key_id: KeyId) -> ApiKeyOut:
        """One API key (its secret is never shown again)."""
        return ApiKeyOut.of(await stores.get_api_key(principal, key_id))

    @delete("/{key_id:str}", status_code=200)
    async def revoke_api_key(self, principal: Caller, key_id: KeyId, ctx: Ctx) -> ApiKeyOut:
        """Revoke the key: requests with it answer 401 from now on."""
        return ApiKeyOut.of(await stores.revoke_api_key(principal, key_id, ctx.clock()))


class VenueController(Controller):
    path = "/v1/venues"
    tags = ["Venues"]
    security = BEARER

    @post("/", opt=IN_ONE_TRANSACTION, **created("/v1/venues/{id}"))
    async def create_venue(
        self, principal: Caller, data: JSONBody[VenueCreate], ctx: Ctx
    ) -> VenueOut:
        """A new venue (a location of the store) that links may belong to."""
        return VenueOut.of(
            await stores.create_venue(principal, data.name, data.address, ctx.clock())
        )

    @get("/")
    async def list_venues(self, principal: Caller, window: ListWindow) -> Page[VenueOut]:
        """The store's venues, newest first."""
        page = await stores.list_venues(principal, window)
        return Page(data=[VenueOut.of(v) for v in page.data], has_more=page.has_more)

    @get("/{venue_id:str}")
    async def get_venue(self, principal: Caller, venue_id: VenueId) -> VenueOut:
        """One venue."""
        return VenueOut.of(await stores.get_venue(principal, venue_id))
