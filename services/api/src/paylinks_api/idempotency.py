"""``Idempotency-Key`` on every POST: the same key and body replays the first response for
24 hours; the same key with another body is refused (409 ``idempotency_key_reused``).

An ASGI middleware, so that it wraps every POST route the same way: it claims the key in
the database before the handler runs, records the answer after, and forgets the key when
the handler failed with a 5xx so that the client may retry.

It reads the body before the handler does, so it checks first what the handler would: the
caller's credentials (a request without valid ones goes straight to the handler, which
refuses it, and claims nothing) and the route's body limit (counted while reading, so an
endless body is cut off at the limit with a 413). Saved answers are encrypted at rest:
they may hold a secret shown once.
"""

import hashlib
from typing import Any, cast

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from paylinks.errors import Unauthorized
from paylinks.idempotency import service
from paylinks.idempotency.model import KEY_MAX, Claim, StoredResponse, record_id, request_hash
from paylinks_api.context import ApiContext
from paylinks_api.problems import problem_response
from paylinks_api.security import provide_principal

HEADER = b"idempotency-key"
REPLAYED = b"idempotent-replayed"


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
    """A 5xx, a 429 or a 413 means the request did not run as asked, and a 401 that the
    caller was not let in: the client may fix that and retry with the same key."""
    return status < 500 and status not in (401, 413, 429)


def _text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _comparable(headers: dict[bytes, bytes], body: bytes) -> bytes:
    """The body as it identifies the request: a multipart body with its random boundary
    replaced, so that a retried upload of the same file is the same request."""
    content_type = headers.get(b"content-type", b"")
    if b"multipart/" in content_type and b"boundary=" in content_type:
        boundary = content_type.split(b"boundary=", 1)[1].split(b";", 1)[0].strip(b'"')
        if boundary:
            return body.replace(boundary, b"BOUNDARY")
    return body


def _scope_of(headers: dict[bytes, bytes]) -> str:
    """Keys belong to the caller's credential, so two stores never share one."""
    token = headers.get(b"authorization", b"anonymous")
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


def idempotency_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await app(scope, receive, send)
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
            await app(scope, receive, send)
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

        rid = record_id(_scope_of(headers), key)
        fingerprint = request_hash("POST", scope["path"], _comparable(headers, body))
        claim, stored = await service.claim(rid, fingerprint, ctx.clock(), ctx.cipher)
        if claim is Claim.MISMATCH:
            problem = problem_response(
                409, "idempotency_key_reused", "This Idempotency-Key was used with another request."
            )
            await _send_problem(scope, receive, send, problem)
            return
        if claim is Claim.IN_PROGRESS:
            problem = problem_response(
                409,
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still running: retry shortly.",
                headers={"Retry-After": "1"},
            )
            await _send_problem(scope, receive, send, problem)
            return
        if claim is Claim.REPLAY and stored is not None:
            await _send_body(
                send,
                stored.status_code,
                stored.content_type.encode(),
                stored.body.encode(),
                [(REPLAYED, b"true")],
            )
            return

        replayed = False

        async def replay_receive() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 500
        content_type = "application/json"
        chunks: list[bytes] = []
        recorded = False

        async def record() -> None:
            nonlocal recorded
            recorded = True
            body_text = _text(b"".join(chunks))
            if not _replayable(status) or body_text is None:
                await service.release(rid)
            else:
                answer = StoredResponse(status, content_type, body_text)
                await service.save(rid, answer, ctx.cipher)

        async def capture_send(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    # Recorded before the client has the answer's end, so that a retry
                    # sent the moment it arrives replays it instead of finding the key
                    # still in use.
                    await record()
            await send(message)

        try:
            await app(scope, replay_receive, capture_send)
        except BaseException:
            if not recorded:
                await service.release(rid)
            raise
        if not recorded:
            await record()

    return middleware
