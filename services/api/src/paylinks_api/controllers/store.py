"""The caller's store, payments activation, API keys and venues."""

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import JSONBody

from paylinks.pagination import Page
from paylinks.stores import service as stores
from paylinks_api.controllers.params import DEFAULT_LIMIT, Limit, StartingAfter, object_id
from paylinks_api.deps import Caller, Ctx
from paylinks_api.idempotency import IN_ONE_TRANSACTION
from paylinks_api.openapi import BEARER, ERRORS
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

    @get("/store", responses=ERRORS)
    async def get_store(self, principal: Caller, ctx: Ctx) -> StoreOut:
        return StoreOut.of(await stores.get_store(principal.store_id), ctx.urls)

    @patch("/store", responses=ERRORS)
    async def update_store(
        self, principal: Caller, data: JSONBody[StoreUpdate], ctx: Ctx
    ) -> StoreOut:
        """Change the store's name, country, branding or receipts; the currency is fixed."""
        store = await stores.update_store(principal.store_id, data.to_changes())
        return StoreOut.of(store, ctx.urls)

    @get("/me", responses=ERRORS)
    async def me(self, principal: Caller, ctx: Ctx) -> MeOut:
        """The signed-in user (null for an API key) and their store."""
        user = await stores.get_user(principal.user_id) if principal.user_id else None
        store = await stores.get_store(principal.store_id)
        return MeOut(user=user, store=StoreOut.of(store, ctx.urls))

    @post("/store/payments/activate", status_code=200, responses=ERRORS)
    async def activate(self, principal: Caller, data: JSONBody[Activate], ctx: Ctx) -> StoreOut:
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

    @post("/", responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def create(self, principal: Caller, data: JSONBody[ApiKeyCreate], ctx: Ctx) -> ApiKeyOut:
        """A new key; its secret is in this response only."""
        created = await stores.create_api_key(principal, data.name, ctx.clock())
        return ApiKeyOut.of(created.key, created.secret)

    @get("/", responses=ERRORS)
    async def list_keys(
        self, principal: Caller, limit: Limit = DEFAULT_LIMIT, starting_after: StartingAfter = None
    ) -> Page[ApiKeyOut]:
        page = await stores.list_api_keys(principal, limit, starting_after)
        return Page(data=[ApiKeyOut.of(key) for key in page.data], has_more=page.has_more)

    @get("/{key_id:str}", responses=ERRORS)
    async def get_key(self, principal: Caller, key_id: KeyId) -> ApiKeyOut:
        return ApiKeyOut.of(await stores.get_api_key(principal, key_id))

    @delete("/{key_id:str}", status_code=200, responses=ERRORS)
    async def revoke(self, principal: Caller, key_id: KeyId, ctx: Ctx) -> ApiKeyOut:
        """Revoke the key: requests with it answer 401 from now on."""
        return ApiKeyOut.of(await stores.revoke_api_key(principal, key_id, ctx.clock()))


class VenueController(Controller):
    path = "/v1/venues"
    tags = ["Venues"]
    security = BEARER

    @post("/", responses=ERRORS, opt=IN_ONE_TRANSACTION)
    async def create(self, principal: Caller, data: JSONBody[VenueCreate], ctx: Ctx) -> VenueOut:
        return VenueOut.of(
            await stores.create_venue(principal, data.name, data.address, ctx.clock())
        )

    @get("/", responses=ERRORS)
    async def list_venues(
        self, principal: Caller, limit: Limit = DEFAULT_LIMIT, starting_after: StartingAfter = None
    ) -> Page[VenueOut]:
        page = await stores.list_venues(principal, limit, starting_after)
        return Page(data=[VenueOut.of(v) for v in page.data], has_more=page.has_more)

    @get("/{venue_id:str}", responses=ERRORS)
    async def get_venue(self, principal: Caller, venue_id: VenueId) -> VenueOut:
        return VenueOut.of(await stores.get_venue(principal, venue_id))
