"""The dashboard backend's download routes: CSV exports and a link's QR code streamed
from the API to the browser with the merchant's session (its cookie), a chunk at a time,
never held whole in this process (through Reflex's events a file would cross the
websocket in one piece)."""

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from dashboard import api, routes
from dashboard.session_cookie import SESSION_COOKIE

#: The query the store-wide export takes; nothing else is passed on.
RANGE = ("created[gte]", "created[lt]")


async def _relay(
    request: Request, path: str, query: dict[str, str], attachment: str = "payments.csv"
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return PlainTextResponse("Log in to the dashboard to download exports.", 401)
    client_ip = request.client.host if request.client else None
    try:
        upstream = await api.client(token, client_ip).open_csv(path, query)
    except api.Problem as problem:
        message = next(iter(problem.errors.values()), problem.detail)
        return PlainTextResponse(message, problem.status)
    except api.Unreachable:
        return PlainTextResponse("The service is not answering: try again shortly.", 502)
    return StreamingResponse(
        upstream.aiter_bytes(),
        media_type=upstream.headers.get("content-type", "text/csv"),
        headers={
            "Content-Disposition": upstream.headers.get(
                "content-disposition", f'attachment; filename="{attachment}"'
            ),
            "Cache-Control": "no-store",
        },
        background=BackgroundTask(upstream.aclose),
    )


async def store_payments_csv(request: Request) -> Response:
    query = {name: value for name, value in request.query_params.items() if name in RANGE}
    return await _relay(request, "/v1/payments.csv", query)


async def link_payments_csv(request: Request) -> Response:
    link_id = str(request.path_params["link_id"])
    return await _relay(request, f"/v1/payment-links/{link_id}/payments.csv", {})


async def link_qr_png(request: Request) -> Response:
    """The link's QR code (the API's default size), shown in the list and downloaded."""
    link_id = str(request.path_params["link_id"])
    return await _relay(request, f"/v1/payment-links/{link_id}/qr.png", {}, f"{link_id}-qr.png")


def download_routes() -> Starlette:
    """Mounted in front of the Reflex app (its ``api_transformer``)."""

    def typed(path: str) -> str:
        return path.replace("{link_id}", "{link_id:str}")

    return Starlette(
        routes=[
            Route(routes.PAYMENTS_CSV, store_payments_csv, methods=["GET"]),
            Route(typed(routes.LINK_PAYMENTS_CSV), link_payments_csv, methods=["GET"]),
            Route(typed(routes.LINK_QR_PNG), link_qr_png, methods=["GET"]),
        ]
    )
