"""``Idempotency-Key`` on every POST and PATCH: the same key and body replays the first response for
24 hours; the same key with another body is refused (409 ``idempotency_key_reused``).

An ASGI middleware, so that it wraps every such route the same way: it claims the key in
the database before the handler runs, with a lease, records the answer after, and forgets
the key when the request was refused (a 4xx other than 409) or failed (a 5xx), so that the
client may correct it and retry. JSON bodies are compared as JSON; callers without
credentials keep their keys apart by client address. A claim whose
request never answered (the process was killed, its connection died) is taken over by a
retry once the lease ends (``PAYLINKS_IDEMPOTENCY_LEASE_SECONDS``).

Routes that make their change in one database transaction (``opt=IN_ONE_TRANSACTION``) run
inside a transaction of the middleware's, which saves their answer before it commits: the
change and its answer commit together or not at all, so a retry after a crash either
replays the answer or runs on a database that never saw the first attempt, and no key
makes two objects. Elsewhere the answer is saved in its own short transaction after the
handler.

It reads the body before the handler does, so it checks first what the handler would: the
caller's credentials (a request without valid ones goes straight to the handler, which
refuses it, and claims nothing) and the route's body limit (counted while reading, so an
endless body is cut off at the limit with a 413). Saved answers are encrypted at rest:
they may hold a secret shown once.
"""

import hashlib
import logging
from datetime import timedelta
from typing import Any, cast

import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from paylinks.db.engine import transaction
from paylinks.errors import Unauthorized
from paylinks.idempotency import service
from paylinks.idempotency.model import KEY_MAX, Claim, StoredResponse, record_id, request_hash
from paylinks_api.context import ApiContext
from paylinks_api.problems import problem_response
from paylinks_api.ratelimit import address_key, client_address
from paylinks_api.security import provide_principal

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
#: The methods whose requests a key makes safe to retry (GET, HEAD, PUT and DELETE are
#: safe or idempotent by themselves).
METHODS = frozenset({"POST", "PATCH"})
REPLAYED = b"idempotent-replayed"

#: A route's ``opt`` when its whole change is one database transaction without calls to
#: other services: its answer is saved in that transaction.
IN_ONE_TRANSACTION = {"idempotency": "in_one_transaction"}


async def _send_problem(
    scope: Scope, receive: Receive, send: Send, problem: Response[bytes]
) -> None:
    """A problem answered here, rendered as the app renders all of its problems."""
    await problem.to_asgi_response(None, Request(scope, receive))(scope, receive, send)


async def _send_body(
    send: Send,
    status: int,
    content_type: bytes,
    body: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": headers + (extra or []),
    }
    await send(start)
    await send(cast(Message, {"type": "http.response.body", "body": body}))


def _replayable(status: int) -> bool:
    """Success and conflicts are replayed; any other 4xx refused the request (bad input, no
    credentials, too large, rate limited) and a 5xx did not run it as asked: the client
    may correct it and retry with the same key (SPEC §7)."""
    return status < 400 or status == 409


def _text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _comparable(headers: dict[bytes, bytes], body: bytes) -> bytes:
    """The body as it identifies the request: JSON compared as JSON (key order and spacing
    do not matter), a multipart body with its random boundary replaced, so that a retried
    upload of the same file is the same request."""
    content_type = headers.get(b"content-type", b"")
    if b"multipart/" in content_type and b"boundary=" in content_type:
        boundary = content_type.split(b"boundary=", 1)[1].split(b";", 1)[0].strip(b'"')
        if boundary:
            return body.replace(boundary, b"BOUNDARY")
    try:
        return msgspec.json.encode(msgspec.json.decode(body), order="sorted")
    except (msgspec.DecodeError, RecursionError):
        return body


def _scope_of(scope: Scope, headers: dict[bytes, bytes]) -> str:
    """Keys belong to the caller's credential, so two stores never share one; callers
    without one (the public checkout) each have their own, by client address."""
    token = headers.get(b"authorization")
    if token is None:
        limiter = scope["app"].state.rate_limiter
        address = address_key(client_address(ASGIConnection(scope), limiter.trusted_proxies))
        token = f"anonymous {address}".encode()
    return hashlib.sha256(token).hexdigest()


def _body_limit(scope: Scope) -> int | None:
    """The most the route reads of a body: Litestar's ``request_max_body_size`` of its
    handler (5 MB and some for image uploads, the app's 10 MB elsewhere)."""
    handler = scope.get("route_handler")
    if isinstance(handler, HTTPRouteHandler):
        return handler.resolve_request_max_body_size()
    # A mounted ASGI app (the MCP server) has no limit of its own: the app's.
    limit = scope["app"].request_max_body_size
    return limit if isinstance(limit, int) else None


def _needs_principal(scope: Scope) -> bool:
    """Whether the route wants a caller: a handler is given one by asking for the
    ``principal`` dependency (see ``app.create_app``)."""
    handler = scope.get("route_handler")
    return (
        isinstance(handler, HTTPRouteHandler)
        and "principal" in handler.parsed_fn_signature.parameters
    )


async def _authenticated(scope: Scope, receive: Receive, ctx: ApiContext) -> bool:
    try:
        await provide_principal(Request(scope, receive), ctx)
    except Unauthorized:
        return False
    return True


class _Disconnected(Exception):
    """The client went away while sending its body: there is no one to answer."""


async def _read_body(receive: Receive, limit: int | None) -> bytes | None:
    """The whole body, or None as soon as it runs over ``limit``."""
    body = bytearray()
    while True:
        message: Any = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body.extend(message.get("body", b""))
        if limit is not None and len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def _too_large(limit: int | None) -> Response[bytes]:
    # The code and shape of Litestar's own 413, which the handler would have answered.
    return problem_response(
        413, "payload_too_large", f"The request body is larger than {limit} bytes."
    )


def _in_one_transaction(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return (
        isinstance(handler, HTTPRouteHandler)
        and handler.opt.get("idempotency") == (IN_ONE_TRANSACTION["idempotency"])
    )


class _Response:
    """A response as the handler sends it: its status, content type and body parts."""

    def __init__(self) -> None:
        self.status = 500
        self.content_type = "application/json"
        self.chunks: list[bytes] = []
        self.messages: list[Message] = []

    def take(self, message: Message) -> bool:
        """Note ``message``; True once it ends the response."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    self.content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            return not message.get("more_body", False)
        return False

    def answer(self) -> StoredResponse | None:
        """What a retry with the key replays, or None when it may run again instead."""
        body = _text(b"".join(self.chunks))
        if not _replayable(self.status) or body is None:
            return None
        return StoredResponse(self.status, self.content_type, body)


class _Undo(Exception):
    """Raised inside the request's transaction to roll it back."""


class Recorder:
    """The key's claim held by one request: saves its answer, or gives the key back."""

    def __init__(self, ctx: ApiContext, rid: str, token: str) -> None:
        self.ctx, self.rid, self.token = ctx, rid, token
        self.done = False

    async def save(self, answer: StoredResponse) -> bool:
        """Save ``answer`` (in the current transaction, if any); False when a retry took
        the key over meanwhile."""
        return await service.save(self.rid, self.token, answer, self.ctx.cipher)

    async def record(self, response: _Response) -> None:
        """Save the answer (or release the key) in a transaction of its own."""
        answer = response.answer()
        if answer is None:
            await service.release(self.rid, self.token)
        else:
            await self.save(answer)
        self.done = True

    async def give_back(self) -> None:
        """After a failure: release the key if this attempt still holds it. If the database
        is down too, the lease ends the claim instead."""
        if self.done:
            return
        try:
            await service.release(self.rid, self.token)
        except Exception as error:
            log.warning("Idempotency key left to its lease: %s", type(error).__name__)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not 1 <= len(key) <= KEY_MAX:
            problem = problem_response(
                400, "invalid_idempotency_key", f"Idempotency-Key is 1 to {KEY_MAX} characters."
            )
            await _send_problem(scope, receive, send, problem)
            return

        ctx: ApiContext = scope["app"].state.ctx
        # Without valid credentials the handler refuses the request (a 401, or Litestar's
        # 413 first): nothing to claim or save, and the body is left to Litestar's limit.
        if _needs_principal(scope) and not await _authenticated(scope, receive, ctx):
            await self.app(scope, receive, send)
            return

        limit = _body_limit(scope)
        announced = headers.get(b"content-length", b"")
        if limit is not None and announced.isdigit() and int(announced) > limit:
            await _send_problem(scope, receive, send, _too_large(limit))
            return
        try:
            body = await _read_body(receive, limit)
        except _Disconnected:
            return
        if body is None:
            await _send_problem(scope, receive, send, _too_large(limit))
            return

        rid = record_id(_scope_of(scope, headers), key)
        fingerprint = request_hash(scope["method"], scope["path"], _comparable(headers, body))
        lease = timedelta(seconds=ctx.settings.idempotency_lease_seconds)
        claimed = await service.claim(rid, fingerprint, ctx.clock(), ctx.cipher, lease)
        if claimed.claim is Claim.MISMATCH:
            problem = problem_response(
                409, "idempotency_key_reused", "This Idempotency-Key was used with another request."
            )
            await _send_problem(scope, receive, send, problem)
            return
        if claimed.claim is Claim.REPLAY:
            stored = claimed.response
            assert stored is not None
            await _send_body(
                send,
                stored.status_code,
                stored.content_type.encode(),
                stored.body.encode(),
                [(REPLAYED, b"true")],
            )
            return
        if claimed.token is None:
            await _send_problem(scope, receive, send, _in_use())
            return

        replayed = False

        async def replay_receive() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        recorder = Recorder(ctx, rid, claimed.token)
        try:
            if _in_one_transaction(scope):
                await self._run_in_transaction(scope, replay_receive, send, recorder)
            else:
                await self._run(scope, replay_receive, send, recorder)
        except BaseException:
            await recorder.give_back()
            raise

    async def _run(self, scope: Scope, receive: Receive, send: Send, recorder: Recorder) -> None:
        response = _Response()

        async def capture_send(message: Message) -> None:
            if response.take(message):
                # Recorded before the client has the answer's end, so that a retry sent
                # the moment it arrives replays it instead of finding the key in use.
                await self._record(recorder, response)
            await send(message)

        await self.app(scope, receive, capture_send)
        if not recorder.done:
            await self._record(recorder, response)

    @staticmethod
    async def _record(recorder: Recorder, response: _Response) -> None:
        """Record the answer; if that fails, the client still gets it and the key is
        given back (or left to its lease when the database is gone)."""
        try:
            await recorder.record(response)
        except Exception as error:
            log.warning("An answer was not saved for its Idempotency-Key: %r", error)
            await recorder.give_back()
            recorder.done = True

    async def _run_in_transaction(
        self, scope: Scope, receive: Receive, send: Send, recorder: Recorder
    ) -> None:
        """The handler and its answer in one transaction; the answer is sent after the
        commit. A failure rolls the handler's writes back with it."""
        response = _Response()

        async def hold_send(message: Message) -> None:
            response.take(message)
            response.messages.append(message)

        try:
            async with transaction():
                await self.app(scope, receive, hold_send)
                answer = response.answer()
                if answer is None or not 200 <= answer.status_code < 300:
                    raise _Undo
                if not await recorder.save(answer):
                    # A retry took the key over while this ran (its lease ended): the
                    # retry's attempt is the one that counts.
                    response = _Response()
                    raise _Undo
            recorder.done = True
        except _Undo:
            if not response.messages:
                await _send_problem(scope, receive, send, _in_use())
                return
            await recorder.record(response)
        except Exception:
            # Nothing reached the client: the app's error handler may still answer (a 503
            # when the database went away), though the handler had begun its response.
            ScopeState.from_scope(scope).response_started = False
            raise
        for message in response.messages:
            await send(message)


def _in_use() -> Response[bytes]:
    return problem_response(
        409,
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still running: retry shortly.",
        headers={"Retry-After": "1"},
    )
