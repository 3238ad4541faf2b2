"""The ``paylinks`` command: run the system, migrate, administer stores."""

import asyncio
import json
import signal
import threading
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
import typer
import uvicorn
from rich.console import Console
from rich.panel import Panel

from paylinks.clock import utc_now
from paylinks.db.migrate import migrate as run_migrations
from paylinks.errors import ValidationFailed
from paylinks.settings import Settings
from paylinks.stores import service as stores
from paylinks_api.demo import ensure_demo_store
from paylinks_api.jobs import run_worker
from paylinks_api.runtime import database, err, settings_or_exit
from paylinks_api.webapps import APPS_DIR, WebApp

app = typer.Typer(
    help="Paylinks: self-hostable payment links.", no_args_is_help=True, add_completion=False
)
admin = typer.Typer(help="Administer stores.", no_args_is_help=True)
app.add_typer(admin, name="admin")
out = Console()

#: Seconds that requests in flight get to finish after SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 10

Host = Annotated[str, typer.Option(help="Address to listen on")]
Port = Annotated[int, typer.Option(help="TCP port", min=1, max=65535)]


Workers = Annotated[
    int,
    typer.Option(
        help="Processes serving the API, each with its own database pool (and its own "
        "rate-limit counts: N processes allow N times the per-address limits)",
        min=1,
        max=64,
    ),
]


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    # Imported here: the app (its MCP SDK above all) takes seconds that the other
    # commands, the worker first, need not spend.
    from paylinks_api.app import APP_FACTORY, create_app

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "proxy_headers": False,
        "server_header": False,
        # On SIGTERM, requests in flight get this long to finish; then the app shuts down
        # (its pool closes within its own grace), well inside the 30 s a process has.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    if settings.is_sqlite:

        async def migrated() -> None:
            async with database(settings):
                pass

        # Once here, rather than by every process at the same time.
        asyncio.run(migrated())
    # Each process builds its own app (and pool) from the same environment. Importing the
    # app takes seconds of CPU: on a busy machine more than uvicorn's 5 s for a new
    # process to answer, after which it would kill and restart it, again and again.
    uvicorn.run(
        APP_FACTORY, factory=True, workers=workers, timeout_worker_healthcheck=120, **options
    )


@app.command()
def api(host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Serve the REST API (on SQLite it migrates the database itself)."""
    _serve(settings_or_exit(), host, port, workers)


@app.command()
def worker(threads: Annotated[int, typer.Option(help="Job threads", min=1, max=64)] = 4) -> None:
    """Run background jobs against the Redis broker (PAYLINKS_BROKER_URL) until stopped."""
    settings = settings_or_exit()
    if not settings.broker_url:
        err.print(
            "[bold red]paylinks worker[/] needs PAYLINKS_BROKER_URL (redis://…); "
            "without it, `paylinks api` runs the jobs itself."
        )
        raise typer.Exit(2)
    run_worker(settings, threads)


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    settings = settings_or_exit()

    async def run() -> str:
        async with database(settings, migrated=False):
            return await run_migrations()

    out.print(asyncio.run(run()))


def _local_url(host: str, port: int) -> str:
    """Where a process on this machine reaches a server bound to ``host``."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def local_addresses(
    settings: Settings, host: str, port: int, checkout_port: int, dashboard_port: int
) -> Settings:
    """The public addresses where ``up`` really serves, for those left at their built-in
    defaults (links, images and QR codes must point where things are); an address set
    on purpose (a proxy, a domain) is kept."""
    defaults = Settings()
    changes = {
        name: _local_url(host, actual)
        for name, actual in (
            ("api_url", port),
            ("checkout_url", checkout_port),
            ("dashboard_url", dashboard_port),
        )
        if getattr(settings, name) == getattr(defaults, name)
    }
    return msgspec.structs.replace(settings, **changes)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command()
def up(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    checkout_port: Annotated[
        int | None,
        typer.Option(
            help="Port of the checkout (default: that of PAYLINKS_CHECKOUT_URL, else 3001)",
            min=1,
            max=65535,
        ),
    ] = None,
    dashboard_port: Annotated[
        int | None,
        typer.Option(
            help="Port of the dashboard (default: that of PAYLINKS_DASHBOARD_URL, else 3000)",
            min=1,
            max=65535,
        ),
    ] = None,
    web: Annotated[
        bool,
        typer.Option("--web/--no-web", help="Also build and serve the dashboard and checkout"),
    ] = True,
) -> None:
    """Run everything on the embedded default (API with its jobs in-process, dashboard,
    checkout), with a demo store on first run; Ctrl-C stops all of it."""
    settings = settings_or_exit()
    checkout_port = checkout_port or urlsplit(settings.checkout_url).port or 3001
    dashboard_port = dashboard_port or urlsplit(settings.dashboard_url).port or 3000
    settings = local_addresses(settings, host, port, checkout_port, dashboard_port)

    async def prepare() -> None:
        async with database(settings):
            login = await ensure_demo_store(settings)
        web_lines = (
            f"Dashboard  {_local_url(host, dashboard_port)}   (log in below)\n"
            f"Checkout   {_local_url(host, checkout_port)}/pay/<link id>\n"
            "           (the first run builds both: a minute or two)\n"
            if web
            else ""
        )
        out.print(
            Panel.fit(
                f"API        http://{host}:{port}   (docs: http://{host}:{port}/docs)\n"
                + web_lines
                + f"Demo login {login.email} / {login.password}\n"
                f"API key    {login.api_key}\n\n"
                f"Try: curl -H 'Authorization: Bearer {login.api_key}' "
                f"http://{host}:{port}/v1/payment-links",
                title="Paylinks is up",
                border_style="green",
            )
        )

    asyncio.run(prepare())
    web_apps: list[WebApp] = []
    if web:
        for name, web_port in (("dashboard", dashboard_port), ("checkout", checkout_port)):
            web_app = WebApp(
                name,
                APPS_DIR / name,
                web_port,
                data_dir=settings.data_dir,
                host=host,
                env={
                    # Where the app calls the API (on this machine), and its own public
                    # address (an https one makes the session cookie Secure).
                    "PAYLINKS_API_URL": _local_url(host, port),
                    "PAYLINKS_DASHBOARD_URL": settings.dashboard_url,
                },
                say=lambda line: out.print(line, markup=False, highlight=False),
            )
            # Built and started beside the API, which serves meanwhile (and if they fail).
            threading.Thread(target=web_app.run, name=name, daemon=True).start()
            web_apps.append(web_app)
    # Uvicorn re-raises the signal that stopped it; SIGTERM's default action would end this
    # process before the web apps are stopped.
    signal.signal(signal.SIGTERM, _exit)
    try:
        _serve(settings, host, port)
    finally:
        for web_app in web_apps:
            web_app.stop()


@admin.command("create-store")
def create_store(
    name: Annotated[str, typer.Option(help="The store's name")],
    email: Annotated[str, typer.Option(help="The first user's email")],
    password: Annotated[str, typer.Option(help="The first user's password")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code, fixed for good")] = "GBP",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Create a store with its first user and API key (the key is shown only now)."""
    settings = settings_or_exit()

    async def run() -> stores.NewStore:
        async with database(settings):
            return await stores.create_store(name, currency, email, password, utc_now())

    try:
        created = asyncio.run(run())
    except ValidationFailed as failed:
        for error in failed.errors:
            err.print(f"[red]{error.field}[/]: {error.message}")
        raise typer.Exit(2) from None
    result = {
        "store_id": created.store.id,
        "user_id": created.user.id,
        "api_key": created.api_key_secret,
    }
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            out.print(f"{key}: {value}")


def main() -> None:
    app()


__all__ = ["app", "main"]
