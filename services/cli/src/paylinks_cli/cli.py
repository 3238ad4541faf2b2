"""The ``paylinks`` command: run the system, migrate, administer stores.

The commands that run the API or the worker import them when they run: importing the API
(its MCP SDK above all) takes seconds that the other commands need not spend.
"""

import asyncio
import json
import logging.config
from enum import StrEnum
from typing import Annotated, Any

import typer

from paylinks.clock import utc_now
from paylinks.db.migrate import migrate as run_migrations
from paylinks.errors import ValidationFailed
from paylinks.stores import service as stores
from paylinks_cli.logs import log_config
from paylinks_cli.runtime import database, err, out, settings_or_exit

app = typer.Typer(
    help="Paylinks: self-hostable payment links.", no_args_is_help=True, add_completion=False
)
admin = typer.Typer(help="Administer stores.", no_args_is_help=True)
app.add_typer(admin, name="admin")

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


@app.command()
def api(host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Serve the REST API (on SQLite it migrates the database itself)."""
    from paylinks_cli.compose import serve

    serve(settings_or_exit(), host, port, workers)


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Job threads", min=1, max=64)] = 4,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve Prometheus metrics on this port (none by default)", min=1),
    ] = None,
    metrics_host: Host = "127.0.0.1",
) -> None:
    """Run background jobs against the Redis broker (PAYLINKS_BROKER_URL) until stopped."""
    settings = settings_or_exit()
    if not settings.broker_url:
        err.print(
            "[bold red]paylinks worker[/] needs PAYLINKS_BROKER_URL (redis://…); "
            "without it, `paylinks api` runs the jobs itself."
        )
        raise typer.Exit(2)
    from paylinks_worker.runtime import serve

    logging.config.dictConfig(log_config(settings.log_format))
    serve(settings, threads, (metrics_host, metrics_port) if metrics_port else None)


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    settings = settings_or_exit()

    async def run() -> str:
        async with database(settings, migrated=False):
            return await run_migrations()

    out.print(asyncio.run(run()))


class WebAppName(StrEnum):
    checkout = "checkout"
    dashboard = "dashboard"


WebWorkers = Annotated[
    int,
    typer.Option(
        help="Processes serving the app; above 1 needs page state in Redis "
        "(PAYLINKS_REDIS_URL, else PAYLINKS_BROKER_URL)",
        min=1,
        max=64,
    ),
]


def _serve_web(name: str, host: str, port: int, workers: int) -> None:
    from paylinks_cli.webapps import WebAppError
    from paylinks_cli.webserve import serve

    try:
        serve(name, settings_or_exit(), host, port, workers)
    except WebAppError as error:
        err.print(f"[bold red]paylinks {name}[/]: {error}", highlight=False)
        raise typer.Exit(1) from None


@app.command()
def checkout(host: Host = "127.0.0.1", port: Port = 3001, workers: WebWorkers = 1) -> None:
    """Serve the hosted checkout alone, against the API at PAYLINKS_API_URL (built first
    when its build is missing or older than its code)."""
    _serve_web("checkout", host, port, workers)


@app.command()
def dashboard(host: Host = "127.0.0.1", port: Port = 3000, workers: WebWorkers = 1) -> None:
    """Serve the merchants' dashboard alone, against the API at PAYLINKS_API_URL (built
    first when its build is missing or older than its code)."""
    _serve_web("dashboard", host, port, workers)


@app.command()
def build(
    apps: Annotated[
        list[WebAppName] | None, typer.Argument(help="The apps to build (default: both)")
    ] = None,
    force: Annotated[bool, typer.Option(help="Build even if the build is current")] = False,
) -> None:
    """Build the web apps for their public addresses (PAYLINKS_CHECKOUT_URL,
    PAYLINKS_DASHBOARD_URL), unless their builds are current; later starts reuse them."""
    from paylinks_cli.webapps import WebAppError
    from paylinks_cli.webbuild import ensure_build
    from paylinks_cli.webserve import public_url, say

    settings = settings_or_exit()
    for app_name in apps or list(WebAppName):
        name = app_name.value
        try:
            ensure_build(name, public_url(name, settings), settings.data_dir, force=force, say=say)
        except WebAppError as error:
            err.print(f"[bold red]paylinks build[/]: {error}", highlight=False)
            raise typer.Exit(1) from None


def _web_port(name: str, url_setting: str, default: int) -> Any:
    return typer.Option(
        help=f"Port of the {name} (default: that of {url_setting}, else {default})",
        min=1,
        max=65535,
    )


@app.command()
def up(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    checkout_port: Annotated[
        int | None, _web_port("checkout", "PAYLINKS_CHECKOUT_URL", 3001)
    ] = None,
    dashboard_port: Annotated[
        int | None, _web_port("dashboard", "PAYLINKS_DASHBOARD_URL", 3000)
    ] = None,
    web: Annotated[
        bool,
        typer.Option("--web/--no-web", help="Also build and serve the dashboard and checkout"),
    ] = True,
) -> None:
    """Run everything on the embedded default (API with its jobs in-process, dashboard,
    checkout), with a demo store on first run; Ctrl-C stops all of it."""
    from paylinks_cli.up import run_up

    run_up(
        settings_or_exit(),
        host,
        port,
        checkout_port=checkout_port,
        dashboard_port=dashboard_port,
        web=web,
    )


@admin.command("create-store")
def create_store(
    name: Annotated[str, typer.Option(help="The store's name")],
    email: Annotated[str, typer.Option(help="The first user's email")],
    password: Annotated[str, typer.Option(help="The first user's password")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code, fixed for good")] = "GBP",
    country: Annotated[
        str | None,
        typer.Option(help="ISO 3166-1 alpha-2 code (default: the currency's country)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Create a store with its first user and API key (the key is shown only now)."""
    settings = settings_or_exit()

    async def run() -> stores.NewStore:
        async with database(settings):
            return await stores.create_store(name, currency, email, password, utc_now(), country)

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
