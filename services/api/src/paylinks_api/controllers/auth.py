"""Sign-up (confirmed by email), login and logout for the dashboard; rate-limited per
client address, and failed logins per account and address pair too."""

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from paylinks.errors import ValidationFailed
from paylinks.messages import service as messages
from paylinks.stores import service as stores
from paylinks.stores.signup import unseal
from paylinks_api.deps import Caller, Ctx
from paylinks_api.openapi import BEARER, CONFLICT, problems
from paylinks_api.ratelimit import limit, login_attempt
from paylinks_api.schemas.stores import (
    Login,
    SessionOut,
    SignUp,
    SignUpConfirm,
    SignUpOut,
    SignUpSent,
)


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["Auth"]

    @post(
        "/signup",
        status_code=HTTP_202_ACCEPTED,
        guards=[limit("auth")],
    )
    async def sign_up(self, data: JSONBody[SignUp], ctx: Ctx) -> Response[SignUpSent]:
        """Start creating a store: emails the address a link that finishes it (``POST
        /v1/auth/signup/confirm``). The answer is the same whether or not the email has an
        account, which is told so by email instead, so that nobody learns which addresses
        have accounts. Without SMTP the link is written to the API's log."""
        try:
            request = await stores.request_sign_up(
                data.store_name, data.currency, data.email, data.password, ctx.clock(), data.country
            )
        except ValidationFailed as failed:
            raise failed.renamed({"name": "store_name"}) from None
        # Sent after the answer, so that its time is the same for both kinds of address.
        email = BackgroundTask(messages.send_sign_up_email, request, ctx.cipher, ctx.settings)
        return Response(
            SignUpSent(email=request.pending.email), status_code=HTTP_202_ACCEPTED, background=email
        )

    @post(
        "/signup/confirm",
        guards=[limit("auth")],
        responses=CONFLICT,
    )
    async def confirm_sign_up(self, data: JSONBody[SignUpConfirm], ctx: Ctx) -> SignUpOut:
        """Create the store of a sign-up from its emailed link's token, with its first user
        and API key; returns a session and the key (shown once). A forged or expired token
        is a 400 ``invalid_token`` (field ``token``); an email that has an account by now
        (the link was followed already) a 409 ``already_confirmed``."""
        now = ctx.clock()
        pending = unseal(data.token, ctx.cipher, now)
        created = await stores.confirm_sign_up(pending, now)
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
