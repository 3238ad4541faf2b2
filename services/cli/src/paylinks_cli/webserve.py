"""``paylinks checkout`` and ``paylinks dashboard``: one web app served alone, from its
build (made first if missing or stale), frontend, event websocket and backend on one port,
under granian in as many processes as asked.

granian rather than uvicorn (which serves the API): it parses HTTP and frames the websocket
in Rust, and a paid checkout, which is mostly page request, websocket and state messages,
cost the app's backend about 10 ms of CPU under granian against 14.6 ms under uvicorn
(``bench/checkout_app.py --checkout-server``, same hour, same machine).

Page state lives in Redis when one is configured, so that any process (of this command or
of another one behind the same address) serves any open page; otherwise in this process's
memory, which allows one process only.
"""

import os

from granian import Granian
from granian.constants import Interfaces, Loops
from granian.log import LogLevels
from reflex import constants
from reflex.config import environment

from paylinks.settings import Settings
from paylinks_cli.runtime import out
from paylinks_cli.webapps import WebAppError, app_dir, ensure_bun, reflex_environment
from paylinks_cli.webbuild import catalog_environment, ensure_build, work_dir
from paylinks_cli.webheaders import origin_of

#: What the apps' server processes import and call (``webasgi``).
APP_FACTORIES = {
    "checkout": "paylinks_cli.webasgi:checkout",
    "dashboard": "paylinks_cli.webasgi:dashboard",
}
#: How long an idle page's state stays in Redis (Reflex's token expiration), seconds.
STATE_EXPIRY_SECONDS = 3600
#: Seconds open requests and websockets get after SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 5
#: Where the server processes find the proxies whose X-Forwarded-For they believe
#: (uvicorn's name for it; ``webasgi`` reads it).
TRUSTED_PROXIES_ENV = "FORWARDED_ALLOW_IPS"


def public_url(name: str, settings: Settings) -> str:
    """Where browsers open the app (what its build is made for)."""
    return settings.checkout_url if name == "checkout" else settings.dashboard_url


def state_redis_url(settings: Settings) -> str:
    """The Redis that keeps the apps' page state: its own setting, else the broker's; ""
    for each process's memory."""
    return settings.redis_url or settings.broker_url


def state_environment(redis_url: str) -> dict[str, str]:
    """Reflex's settings for where page state lives (they override ``rxconfig.py``)."""
    if not redis_url:
        return {"REFLEX_STATE_MANAGER_MODE": "memory"}
    return {
        "REFLEX_STATE_MANAGER_MODE": "redis",
        "REFLEX_REDIS_URL": redis_url,
        "REFLEX_REDIS_TOKEN_EXPIRATION": str(STATE_EXPIRY_SECONDS),
    }


def check_workers(workers: int, redis_url: str) -> None:
    """More than one process needs the page state outside them."""
    if workers > 1 and not redis_url:
        raise WebAppError(
            "--workers above 1 needs page state in Redis: set PAYLINKS_REDIS_URL "
            "(or PAYLINKS_BROKER_URL)."
        )


def server_environment(name: str, settings: Settings) -> dict[str, str]:
    """Everything the app's server processes need in their environment."""
    bun = ensure_bun(settings.data_dir / "tools", say)
    return {
        **reflex_environment(bun, work_dir(settings.data_dir, name)),
        **state_environment(state_redis_url(settings)),
        **catalog_environment(settings.data_dir, name),
        "PAYLINKS_API_URL": settings.api_url,
        # An https address makes the dashboard's cookies Secure.
        "PAYLINKS_DASHBOARD_URL": settings.dashboard_url,
        # The one origin whose pages may use the backend (Reflex's CORS and its socket.io
        # endpoint, which then refuses other sites' websockets: see ``webheaders``).
        "REFLEX_CORS_ALLOWED_ORIGINS": origin_of(public_url(name, settings)),
        # The client address the app passes on to the API is the one a trusted proxy saw.
        TRUSTED_PROXIES_ENV: settings.trusted_proxies,
        # What `reflex run --env prod` gives its own server (by Reflex's names for them, some
        # internal): no compiling at start, the built frontend mounted beside the backend.
        environment.REFLEX_ENV_MODE.name: constants.Env.PROD.value,
        environment.REFLEX_SKIP_COMPILE.name: "true",
        environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.name: "true",
    }


def say(line: str) -> None:
    out.print(line, markup=False, highlight=False)


def serve(name: str, settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """The app ``name`` on ``host:port`` until stopped, built first when needed."""
    check_workers(workers, state_redis_url(settings))
    ensure_build(name, public_url(name, settings), settings.data_dir, say=say)
    os.environ.update(server_environment(name, settings))
    # Reflex reads rxconfig.py from the working directory.
    os.chdir(app_dir(name))
    say(f"{name}: serving on {host}:{port} ({workers} process{'es' if workers > 1 else ''})")
    Granian(
        APP_FACTORIES[name],
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        loop=Loops.uvloop,
        log_level=LogLevels.info,
        log_access=True,
        # A process that dies is started again, as uvicorn's supervisor does.
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_SHUTDOWN_SECONDS,
    ).serve()
