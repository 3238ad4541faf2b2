"""The app factory: one Litestar app per settings object."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from redis.asyncio import ConnectionPool, Redis

from paylinks.clock import Clock, utc_now
from paylinks.db import engine as db
from paylinks.db.migrate import migrate
from paylinks.settings import Settings
from paylinks_api import openapi
from paylinks_api.context import ApiContext
from paylinks_api.controllers.auth import AuthController
from paylinks_api.controllers.checkout import CheckoutController
from paylinks_api.controllers.health import CHECK_TIMEOUT, HealthController
from paylinks_api.controllers.images import ImageController
from paylinks_api.controllers.links import PaymentLinkController
from paylinks_api.controllers.messages import MessageController
from paylinks_api.controllers.params import CREATED, WINDOW
from paylinks_api.controllers.payments import LinkPaymentsController, PaymentController
from paylinks_api.controllers.store import ApiKeyController, StoreController, VenueController
from paylinks_api.controllers.stripe_webhook import StripeWebhookController
from paylinks_api.controllers.webhooks import EventController, WebhookEndpointController
from paylinks_api.docs_assets import docs_asset, swagger_ui
from paylinks_api.edge import Edge
from paylinks_api.idempotency import IdempotencyMiddleware
from paylinks_api.jobs import JobRuntimeFactory
from paylinks_api.mcp_tools import McpTools
from paylinks_api.metrics import metrics_route
from paylinks_api.problems import EXCEPTION_HANDLERS
from paylinks_api.ratelimit import RateLimiter, add_headers, storage_for
from paylinks_api.schemas.events import WEBHOOKS
from paylinks_api.security import provide_principal
from paylinks_api.strict_input import check_input

API_VERSION = "1.0.0"

#: Every controller of the API (``create_app`` adds the MCP mount and any extra routes).
CONTROLLERS: list[Any] = [
    HealthController,
    AuthController,
    StoreController,
    ApiKeyController,
    VenueController,
    PaymentLinkController,
    ImageController,
    CheckoutController,
    LinkPaymentsController,
    PaymentController,
    WebhookEndpointController,
    EventController,
    MessageController,
    StripeWebhookController,
]


def create_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    auto_migrate: bool | None = None,
    jobs: JobRuntimeFactory | None = None,
    route_handlers: list[Any] | None = None,
) -> Litestar:
    """The API. On the embedded default (SQLite) it migrates the database at start-up;
    ``jobs`` is the runtime of background jobs to run in this process, if any (the
    ``paylinks`` command gives the worker's when there is no broker URL);
    ``route_handlers`` adds routes (the benchmark's floor, for one)."""
    ctx = ApiContext.from_settings(settings, clock)
    trusted_proxies = frozenset(settings.trusted_proxies.split(","))
    limit_storage, limit_pool = storage_for(settings.redis_url or settings.broker_url)
    limiter = RateLimiter(
        limit_storage,
        settings.rate_limit_per_minute,
        trusted_proxies,
        starts_per_hour=settings.start_limit_per_hour,
    )
    migrate_on_start = settings.is_sqlite if auto_migrate is None else auto_migrate
    mcp_tools = McpTools(ctx)

    async def provide_ctx() -> ApiContext:
        return ctx

    app = Litestar(
        route_handlers=[
            *CONTROLLERS,
            mcp_tools.route,
            docs_asset,
            metrics_route(settings.metrics_token),
            *(route_handlers or []),
        ],
        dependencies={
            "ctx": Provide(provide_ctx),
            "principal": Provide(provide_principal),
            "window": WINDOW,
            "created": CREATED,
        },
        middleware=[DefineMiddleware(IdempotencyMiddleware)],
        before_send=[add_headers],
        before_request=check_input,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[
            database_lifespan(settings, migrate_on_start, jobs),
            broker_client_lifespan(settings),
            rate_limit_lifespan(limit_pool),
            mcp_tools.lifespan,
        ],
        state=State({"ctx": ctx, "rate_limiter": limiter}),
        openapi_config=openapi_config(),
        debug=False,
        # Logging is the process's to set (``paylinks_cli.logs``: text or JSON lines with the
        # request id), not a handler of Litestar's own on the root logger.
        logging_config=None,
    )
    cors_origins = settings.cors_origins.split(",")
    app.asgi_handler = Edge(app.asgi_handler, trusted_proxies, cors_origins, app.routes)
    return app


Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def database_lifespan(
    settings: Settings, migrate_on_start: bool, jobs: JobRuntimeFactory | None
) -> Lifespan:
    """The database engine bound for the app's life, migrated first if asked, and the
    in-process jobs (if any) started once it is and stopped before it closes."""

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        engine = db.engine_for(settings)
        db.bind(engine)
        # With the jobs' event loop in this process too, no pool: a pool belongs to one
        # loop, while plain connections serve both.
        if jobs is None:
            await db.start(engine)
        else:
            await db.prepare(engine)
        runtime = None
        try:
            if migrate_on_start:
                await migrate()
            if jobs is not None:
                runtime = jobs(settings)
                runtime.start()
                app.state["jobs"] = runtime  # its queue depth, for the metrics
            yield
        finally:
            if runtime is not None:
                await asyncio.to_thread(runtime.stop)
            await db.stop(engine)

    return database


def broker_client_lifespan(settings: Settings) -> Lifespan:
    """A Redis client for the readiness check, when the jobs go through Redis."""

    @asynccontextmanager
    async def broker_client(app: Litestar) -> AsyncIterator[None]:
        if not settings.broker_url:
            yield
            return
        client = Redis.from_url(
            settings.broker_url, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
        )
        app.state["redis"] = client
        try:
            yield
        finally:
            await client.aclose()

    return broker_client


def rate_limit_lifespan(pool: ConnectionPool | None) -> Lifespan:
    """The rate limits' Redis connections (if any) given back when the app stops."""

    @asynccontextmanager
    async def rate_limits(app: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if pool is not None:
                await pool.disconnect()

    return rate_limits


def openapi_config() -> OpenAPIConfig:
    """The OpenAPI document at ``/docs/openapi.json`` and Swagger UI at ``/docs``, from
    local assets."""
    return OpenAPIConfig(
        title="Paylinks API",
        version=API_VERSION,
        description="Payment links: create, share and get paid. Amounts are integer "
        "minor units; errors are RFC 9457 problem details.",
        path="/docs",
        render_plugins=[openapi.PreciseJson(), swagger_ui()],
        tags=openapi.TAGS,
        use_handler_docstrings=True,
        operation_id_creator=openapi.operation_id,
        webhooks=WEBHOOKS,
        components=Components(
            security_schemes={
                "BearerAuth": SecurityScheme(
                    type="http", scheme="bearer", description="An API key sk_… or a session"
                )
            }
        ),
    )
