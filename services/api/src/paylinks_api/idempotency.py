"""``Idempotency-Key`` on every POST: the same key and body replays the first response for
24 hours; the same key with another body is refused (409 ``idempotency_key_reused``).

An ASGI middleware, so that it wraps every POST route the same way: it claims the key in
the database before the handler runs, records the answer after, and forgets the key when
the handler failed with a 5xx so that the client may retry.
"""

import hashlib
from typing import Any, cast

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from paylinks.idempotency import service
from paylinks.idempotency.model import KEY_MAX, Claim, StoredResponse, record_id, request_hash
from paylinks_api.context import ApiContext
from paylinks_api.problems import Problem

HEADER = b"idempotency-key"
REPLAYED = b"idempotent-replayed"


def _problem(status: int, code: str, detail: str) -> bytes:
    return msgspec.json.encode(
        Problem(
            type=f"urn:paylinks:problem:{code}",
            title="Conflict" if status == 409 else "Bad request",
            status=status,
            code=code,
            detail=detail,
        )
    )


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
    """A 5xx or a 429 means the request did not run as asked: the client may retry it."""
    return status < 500 and status != 429


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
            await _send_body(
                send,
                400,
                b"application/problem+json",
                _problem(
                    400, "invalid_idempotency_key", f"Idempotency-Key is 1 to {KEY_MAX} characters."
                ),
            )
            return

        body = bytearray()
        while True:
            message: Any = await receive()
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break

        ctx: ApiContext = scope["app"].state.ctx
        rid = record_id(_scope_of(headers), key)
        fingerprint = request_hash("POST", scope["path"], _comparable(headers, bytes(body)))
        claim, stored = await service.claim(rid, fingerprint, ctx.clock())
        if claim is Claim.MISMATCH:
            await _send_body(
                send,
                409,
                b"application/problem+json",
                _problem(
                    409,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used with another request.",
                ),
            )
            return
        if claim is Claim.IN_PROGRESS:
            await _send_body(
                send,
                409,
                b"application/problem+json",
                _problem(
                    409,
                    "idempotency_key_in_use",
                    "A request with this Idempotency-Key is still running: retry shortly.",
                ),
                [(b"retry-after", b"1")],
            )
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
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        status = 500
        content_type = "application/json"
        chunks: list[bytes] = []

        async def capture_send(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await app(scope, replay_receive, capture_send)
        except BaseException:
            await service.release(rid)
            raise
        body_text = _text(b"".join(chunks))
        if not _replayable(status) or body_text is None:
            await service.release(rid)
            return
        await service.save(rid, StoredResponse(status, content_type, body_text))

    return middleware
