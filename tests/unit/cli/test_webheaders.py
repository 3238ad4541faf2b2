"""The web apps' security headers (``webheaders``) around a stand-in for Reflex's server:
a CSP that allows exactly the page's inline scripts, Stripe.js only on a Stripe store's
checkout page, no framing, no sniffing, and no CORS answer to any origin."""

import base64
import gzip
import hashlib
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from paylinks_cli.webheaders import SecurityHeaders, StripeLinks, script_hashes

THEME = b"document.documentElement.className='light'"
ROUTES = b'import "/assets/manifest.js";'
PAGE = (
    b"<!DOCTYPE html><html><head><script>" + THEME + b"</script>"
    b'<script type="module" src="/assets/entry.js"></script></head>'
    b'<body><script type="module">' + ROUTES + b"</script></body></html>"
)
API = "https://api.shop.example"


def sha(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


async def page(request: Request) -> Response:
    if request.headers.get("accept-encoding"):
        return Response(
            gzip.compress(PAGE), media_type="text/html", headers={"content-encoding": "gzip"}
        )
    return HTMLResponse(PAGE)


async def state(request: Request) -> Response:
    # What Reflex's CORS middleware answers: any origin echoed, with credentials.
    origin = request.headers.get("origin", "*")
    return JSONResponse(
        {"ok": True},
        headers={
            "access-control-allow-origin": origin,
            "access-control-allow-credentials": "true",
        },
    )


def reflex_like() -> Starlette:
    return Starlette(
        routes=[
            Route("/", page),
            Route("/pay/{link_id}", page),
            Route("/_health", state),
            Route(
                "/gz",
                lambda request: Response(
                    gzip.compress(PAGE),
                    media_type="text/html",
                    headers={"content-encoding": "gzip"},
                ),
            ),
        ]
    )


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test")


def directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


HTML = {"accept": "text/html,application/xhtml+xml"}


class TestPages:
    async def test_scripts_only_the_apps_own_and_the_pages_inline_ones(self) -> None:
        async with client(SecurityHeaders(reflex_like(), API)) as web:
            response = await web.get("/", headers={**HTML, "accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response.content == PAGE  # asked for uncompressed, to hash its scripts
        policy = directives(response)
        assert policy["script-src"] == ["'self'", sha(THEME), sha(ROUTES)]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]  # the dashboard's: no eval
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["frame-src"] == ["'none'"]
        assert policy["img-src"] == ["'self'", "data:", "blob:", API]
        assert policy["object-src"] == ["'none'"]

    async def test_a_compressed_page_is_hashed_as_the_browser_reads_it(self) -> None:
        async with client(SecurityHeaders(reflex_like(), API)) as web:
            response = await web.get("/gz", headers=HTML)
        assert response.content == PAGE
        assert directives(response)["script-src"] == ["'self'", sha(THEME), sha(ROUTES)]

    async def test_every_response_refuses_framing_and_sniffing(self) -> None:
        async with client(SecurityHeaders(reflex_like(), API)) as web:
            for response in (await web.get("/", headers=HTML), await web.get("/_health")):
                assert response.headers["x-frame-options"] == "DENY"
                assert response.headers["x-content-type-options"] == "nosniff"
                assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "content-security-policy" not in response.headers  # JSON: no page to police

    async def test_an_app_whose_state_calls_scripts_may_evaluate_them(self) -> None:
        async with client(SecurityHeaders(reflex_like(), API, evaluates=True)) as web:
            policy = directives(await web.get("/", headers=HTML))
        assert policy["script-src"] == ["'self'", sha(THEME), sha(ROUTES), "'unsafe-eval'"]

    async def test_the_apps_head_scripts_are_allowed_by_their_hashes(self) -> None:
        head = "document.cookie='tz=UTC'"
        wrapped = SecurityHeaders(reflex_like(), API, head_scripts=[head])
        async with client(wrapped) as web:
            policy = directives(await web.get("/", headers=HTML))
        assert policy["script-src"] == ["'self'", sha(THEME), sha(ROUTES), sha(head.encode())]


class TestCors:
    @pytest.mark.parametrize("origin", ["https://evil.example", "http://web.test"])
    async def test_no_origin_is_echoed_with_credentials(self, origin: str) -> None:
        async with client(SecurityHeaders(reflex_like(), API)) as web:
            response = await web.get("/_health", headers={"origin": origin})
        assert response.json() == {"ok": True}
        assert not [name for name in response.headers if name.startswith("access-control-")]


class TestStripe:
    async def test_only_on_the_page_of_a_stripe_stores_link(self) -> None:
        gateways = {"plink_stripe": "stripe", "plink_sandbox": "sandbox"}
        asked: list[str] = []

        async def gateway_of(link_id: str) -> str | None:
            asked.append(link_id)
            return gateways.get(link_id)

        def link_id_of(path: str) -> str | None:
            return path.removeprefix("/pay/") if path.startswith("/pay/") else None

        wrapped = SecurityHeaders(reflex_like(), API, StripeLinks(link_id_of, gateway_of))
        async with client(wrapped) as web:
            stripe = directives(await web.get("/pay/plink_stripe", headers=HTML))
            again = directives(await web.get("/pay/plink_stripe", headers=HTML))
            sandbox = directives(await web.get("/pay/plink_sandbox", headers=HTML))
            unknown = directives(await web.get("/pay/plink_gone", headers=HTML))
            home = directives(await web.get("/", headers=HTML))
        assert "https://js.stripe.com" in stripe["script-src"]
        assert stripe["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
        assert stripe["connect-src"] == ["'self'", "https://api.stripe.com"]
        assert again == stripe
        for policy in (sandbox, unknown, home):
            assert "https://js.stripe.com" not in policy["script-src"]
            assert policy["frame-src"] == ["'none'"]
        # Kept a while: the second load of the Stripe page asked nothing; an unknown link
        # is asked about each time (it may be created, or the API come back).
        assert asked == ["plink_stripe", "plink_sandbox", "plink_gone"]

    async def test_an_answer_is_asked_again_once_old(self) -> None:
        now = [0.0]
        asked: list[str] = []

        async def gateway_of(link_id: str) -> str | None:
            asked.append(link_id)
            return "stripe"

        links = StripeLinks(lambda path: "plink_x", gateway_of, clock=lambda: now[0])
        assert await links("/pay/plink_x")
        now[0] += StripeLinks.TTL_SECONDS - 1
        assert await links("/pay/plink_x")
        now[0] += 2
        assert await links("/pay/plink_x")
        assert asked == ["plink_x", "plink_x"]


def test_the_same_script_twice_is_one_source() -> None:
    html = b"<script>a()</script><script>a()</script><script src='/x.js'></script><script></script>"
    assert script_hashes(html) == (sha(b"a()"),)


async def test_a_page_the_server_would_send_as_a_file_comes_as_body() -> None:
    """granian offers ``http.response.pathsend`` (Starlette's FileResponse then leaves the
    file to the server): a page must come as body messages, whose scripts get hashed."""
    offered: list[object] = []

    async def file_page(scope: dict[str, Any], receive: Any, send: Any) -> None:
        extensions = scope.get("extensions") or {}
        offered.append("http.response.pathsend" in extensions)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        await send({"type": "http.response.body", "body": b"<script>go()</script>"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "path": "/",
        # curl, a bench, a crawler: a page even when HTML is not asked for by name.
        "headers": [(b"accept", b"*/*")],
        "extensions": {"http.response.pathsend": {}},
    }
    await SecurityHeaders(file_page, API)(scope, None, send)
    assert offered == [False]
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    csp = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert sha(b"go()") in csp
