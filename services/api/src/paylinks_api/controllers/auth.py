"""Sign-up, login and logout for the dashboard; rate-limited per client address, and
failed logins per account and address pair too."""

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody

from paylinks.errors import ValidationFailed
from paylinks.stores import service as stores
from paylinks_api.deps import Caller, Ctx
from paylinks_api.openapi import BEARER, problems
from paylinks_api.ratelimit import limit, login_attempt
from paylinks_api.schemas.stores import Login, SessionOut, SignUp, SignUpOut


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["Auth"]

    @post(
        "/signup",
        guards=[limit("auth")],
    )
    async def sign_up(self, data: JSONBody[SignUp], ctx: Ctx) -> SignUpOut:
        """Create a store and its first user; returns a session and the first API key."""
        now = ctx.clock()
        try:
            created = await stores.create_store(
                data.store_name, data.currency, data.email, data.password, now, data.country
            )
        except ValidationFailed as failed:
            raise failed.renamed({"name": "store_name"}) from None
        token = await stores.open_session(created.user, now)
        return SignUpOut(
            store_id=created.store.id,
            user_id=created.user.id,
            token=token,
            api_key=created.api_key_secret,
        )

    @post(
        "/login",
        status_code=200,
        guards=[limit("auth")],
        responses=problems(401),
    )
    async def log_in(
        self, data: JSONBody[Login], ctx: Ctx, request: Request[Any, Any, Any]
    ) -> SessionOut:
        """Exchange an email and password for a session token (``sess_…``). Failed attempts
        are limited per account and client address: other addresses' failures never refuse
        the right password."""
        async with login_attempt(request, data.email):
            user, token = await stores.login(data.email, data.password, ctx.clock())
        return SessionOut(token=token, user_id=user.id, store_id=user.store_id)

    @post("/logout", status_code=204, security=BEARER)
    async def log_out(self, principal: Caller) -> None:
        """End the current session (an API key is not affected)."""
        await stores.logout(principal)
