"""``paylinks up``: the API with its jobs in-process, the dashboard and the checkout beside
it, and a demo store, all on one machine until Ctrl-C."""

import asyncio
import signal
import threading
from urllib.parse import urlsplit

import msgspec
from rich.panel import Panel

from paylinks.settings import Settings
from paylinks_cli.compose import serve
from paylinks_cli.demo import DemoLogin, ensure_demo_store
from paylinks_cli.runtime import database, out
from paylinks_cli.webapps import WebApp


class Ports(msgspec.Struct, frozen=True):
    api: int
    checkout: int
    dashboard: int


def local_url(host: str, port: int) -> str:
    """Where a process on this machine reaches a server bound to ``host``."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def web_ports(settings: Settings, api: int, checkout: int | None, dashboard: int | None) -> Ports:
    """The ports asked for, else those of the apps' public addresses, else 3001 and 3000."""
    return Ports(
        api=api,
        checkout=checkout or urlsplit(settings.checkout_url).port or 3001,
        dashboard=dashboard or urlsplit(settings.dashboard_url).port or 3000,
    )


def local_addresses(
    settings: Settings, host: str, port: int, checkout_port: int, dashboard_port: int
) -> Settings:
    """The public addresses where ``up`` really serves, for those left at their built-in
    defaults (links, images and QR codes must point where things are); an address set
    on purpose (a proxy, a domain) is kept."""
    defaults = Settings()
    changes = {
        name: local_url(host, actual)
        for name, actual in (
            ("api_url", port),
            ("checkout_url", checkout_port),
            ("dashboard_url", dashboard_port),
        )
        if getattr(settings, name) == getattr(defaults, name)
    }
    return msgspec.structs.replace(settings, **changes)


async def demo_login(settings: Settings) -> DemoLogin:
    """The demo store's login, the database migrated and the store made on first run."""
    async with database(settings):
        return await ensure_demo_store(settings)


def welcome(login: DemoLogin, host: str, ports: Ports, web: bool) -> Panel:
    """Where everything is, and how to log in."""
    api = f"http://{host}:{ports.api}"
    web_lines = (
        f"Dashboard  {local_url(host, ports.dashboard)}   (log in below)\n"
        f"Checkout   {local_url(host, ports.checkout)}/pay/<link id>\n"
        "           (the first run builds both: a minute or two)\n"
        if web
        else ""
    )
    return Panel.fit(
        f"API        {api}   (docs: {api}/docs)\n"
        + web_lines
        + f"Demo login {login.email} / {login.password}\n"
        f"API key    {login.api_key}\n\n"
        f"Try: curl -H 'Authorization: Bearer {login.api_key}' {api}/v1/payment-links",
        title="Paylinks is up",
        border_style="green",
    )


def start_web_apps(settings: Settings, host: str, ports: Ports) -> list[WebApp]:
    """The dashboard and the checkout, each started (and built, unless its build is
    current) on a thread of its own beside the API, which serves meanwhile (and if they
    fail)."""
    web_apps = []
    for name, port in (("dashboard", ports.dashboard), ("checkout", ports.checkout)):
        web_app = WebApp(
            name,
            port,
            data_dir=settings.data_dir,
            host=host,
            env={
                # Where the app calls the API (on this machine), and the apps' public
                # addresses (what their builds are made for; an https one makes the
                # session cookie Secure).
                "PAYLINKS_API_URL": local_url(host, ports.api),
                "PAYLINKS_DASHBOARD_URL": settings.dashboard_url,
                "PAYLINKS_CHECKOUT_URL": settings.checkout_url,
            },
            say=lambda line: out.print(line, markup=False, highlight=False),
        )
        threading.Thread(target=web_app.run, name=name, daemon=True).start()
        web_apps.append(web_app)
    return web_apps


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def run_up(
    settings: Settings,
    host: str,
    port: int,
    *,
    checkout_port: int | None,
    dashboard_port: int | None,
    web: bool,
) -> None:
    """Everything on the embedded default until Ctrl-C or SIGTERM, then the web apps
    stopped with the API."""
    ports = web_ports(settings, port, checkout_port, dashboard_port)
    settings = local_addresses(settings, host, port, ports.checkout, ports.dashboard)
    out.print(welcome(asyncio.run(demo_login(settings)), host, ports, web))
    web_apps = start_web_apps(settings, host, ports) if web else []
    # Uvicorn re-raises the signal that stopped it; SIGTERM's default action would end this
    # process before the web apps are stopped.
    signal.signal(signal.SIGTERM, _exit)
    try:
        serve(settings, host, port)
    finally:
        for web_app in web_apps:
            web_app.stop()
