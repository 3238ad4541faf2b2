"""One settings object, read from ``PAYLINKS_*`` environment variables and an optional ``.env``.

A bad setting raises SettingsError naming the variable, so that a process stops at start
with a clear message rather than failing later.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
from dotenv import dotenv_values

from paylinks.retention.model import DEFAULT_DAYS, Retention, days_problem

PREFIX = "PAYLINKS_"
#: The machine's cores (the default bound of password hashes at once).
CORES = max(1, os.cpu_count() or 1)


class SettingsError(ValueError):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{PREFIX}{name}: {problem}")
        self.name = name


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path = Path(".paylinks")
    database_url: str = ""
    broker_url: str = ""
    #: Redis where the web apps keep page state, so that any of their processes serves
    #: any page (default: the broker's Redis; without either, each process's memory).
    redis_url: str = ""
    secret_key: str = ""
    api_url: str = "http://127.0.0.1:8000"
    checkout_url: str = "http://127.0.0.1:3001"
    dashboard_url: str = "http://127.0.0.1:3000"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    email_from: str = "Paylinks <no-reply@localhost>"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_base: str = ""
    stripe_api_base: str = ""
    webhooks_allow_private: bool = False
    reservation_seconds: int = 900
    rate_limit_per_minute: int = 60
    #: Password hashes (argon2, about a second of a core each) computed at once by a
    #: process; more logins wait their turn (default: the machine's cores).
    password_hash_workers: int = CORES
    #: Seconds a checkout start holds a place on a link before the customer confirms
    #: (then the hold becomes ``reservation_seconds``; never longer than that): a start
    #: without a card holds a one-off link's only place briefly.
    start_hold_seconds: int = 120
    #: Payments one client address may start in an hour on one link with limited places
    #: (one-off or capped): with the short hold, what one address can hold such a link.
    start_limit_per_hour: int = 5
    #: PostgreSQL connections each process may hold (the API's pool; a worker's pool, plus
    #: one connection of its own listening for commits).
    db_pool_size: int = 10
    #: Seconds to wait for a database connection (from the pool, or a new one) before the
    #: request is answered 503.
    db_pool_timeout: int = 5
    #: SQLite: seconds a writer waits for its turn, or for another process's lock on the
    #: file, before the request is answered 503.
    db_lock_timeout: int = 30
    #: Seconds an Idempotency-Key stays claimed by a request that never answered (a
    #: crash, a lost connection) before a retry with the key may run.
    idempotency_lease_seconds: int = 30
    #: Comma-separated peer addresses whose X-Forwarded-For is believed (the checkout
    #: app's server on this machine by default).
    trusted_proxies: str = "127.0.0.1,::1"
    #: Comma-separated origins (``https://shop.example``) whose pages may call the public
    #: checkout API from the browser (CORS); none by default.
    cors_origins: str = ""
    #: ``text`` (uvicorn's lines, with the request id) or ``json`` (one object a line).
    log_format: str = "text"
    #: When set, ``GET /metrics`` wants ``Authorization: Bearer <this>``; when empty it is
    #: open (it names no secret, id or customer: keep it off the public side of the proxy).
    metrics_token: str = ""
    #: Days events are kept, with their webhook deliveries and attempt logs.
    event_retention_days: int = DEFAULT_DAYS
    #: Days message records (sends and receipts) are kept.
    message_retention_days: int = DEFAULT_DAYS

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def retention(self) -> Retention:
        return Retention(
            event_days=self.event_retention_days, message_days=self.message_retention_days
        )


_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _coerce(name: str, raw: str, kind: type) -> object:
    if kind is bool:
        value = _BOOL.get(raw.strip().lower())
        if value is None:
            raise SettingsError(name, f"expected true or false, got {raw!r}")
        return value
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(name, f"expected a whole number, got {raw!r}") from None
    if kind is Path:
        return Path(raw)
    return raw


def _check_url(name: str, value: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(value)
    # A file database names a path; everything else names a host.
    located = parts.path.strip("/") if parts.scheme == "sqlite" else parts.hostname
    if parts.scheme not in schemes or not located:
        raise SettingsError(name.upper(), f"expected a {' or '.join(schemes)} URL, got {value!r}")


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Settings from ``environ`` (default: the process environment) over the ``.env`` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    fields = {f.name: f.type for f in msgspec.structs.fields(Settings)}
    kwargs: dict[str, object] = {}
    for name, kind in fields.items():
        raw = values.get(PREFIX + name.upper())
        if raw is not None and raw != "":
            kwargs[name] = _coerce(name.upper(), raw, kind)
    settings = Settings(**kwargs)  # type: ignore[arg-type]
    return _complete(settings)


def _complete(settings: Settings) -> Settings:
    """Validate and fill the embedded defaults that depend on other settings."""
    data_dir = settings.data_dir
    database_url = settings.database_url or f"sqlite:///{data_dir / 'paylinks.sqlite3'}"
    _check_url("database_url", database_url, ("sqlite", "postgresql", "postgres"))
    if settings.broker_url:
        _check_url("broker_url", settings.broker_url, ("redis", "rediss"))
    if settings.redis_url:
        _check_url("redis_url", settings.redis_url, ("redis", "rediss"))
    for name in ("api_url", "checkout_url", "dashboard_url"):
        _check_url(name, getattr(settings, name), ("http", "https"))
    if settings.log_format not in ("text", "json"):
        raise SettingsError("LOG_FORMAT", f"expected text or json, got {settings.log_format!r}")
    for origin in filter(None, (o.strip() for o in settings.cors_origins.split(","))):
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise SettingsError(
                "CORS_ORIGINS", f"expected origins like https://shop.example, got {origin!r}"
            )
    if settings.reservation_seconds < 10:
        raise SettingsError("RESERVATION_SECONDS", "must be at least 10 seconds")
    if not 0 < settings.smtp_port < 65536:
        raise SettingsError("SMTP_PORT", "must be a TCP port")
    if not 1 <= settings.password_hash_workers <= 256:
        raise SettingsError("PASSWORD_HASH_WORKERS", "must be 1 to 256")
    if settings.start_limit_per_hour < 1:
        raise SettingsError("START_LIMIT_PER_HOUR", "must be at least 1")
    if settings.start_hold_seconds < 10:
        raise SettingsError("START_HOLD_SECONDS", "must be at least 10 seconds")
    if settings.rate_limit_per_minute < 1:
        raise SettingsError("RATE_LIMIT_PER_MINUTE", "must be at least 1")
    if not 1 <= settings.db_pool_size <= 1000:
        raise SettingsError("DB_POOL_SIZE", "must be 1 to 1000 connections")
    if not 1 <= settings.db_pool_timeout <= 300:
        raise SettingsError("DB_POOL_TIMEOUT", "must be 1 to 300 seconds")
    if not 1 <= settings.db_lock_timeout <= 300:
        raise SettingsError("DB_LOCK_TIMEOUT", "must be 1 to 300 seconds")
    if not 5 <= settings.idempotency_lease_seconds <= 3600:
        raise SettingsError("IDEMPOTENCY_LEASE_SECONDS", "must be 5 to 3600 seconds")
    for name in ("event_retention_days", "message_retention_days"):
        problem = days_problem(getattr(settings, name))
        if problem:
            raise SettingsError(name.upper(), problem)
    secret_key = settings.secret_key or _local_secret_key(data_dir)
    if len(secret_key) < 32:
        raise SettingsError("SECRET_KEY", "must be at least 32 characters")
    return msgspec.structs.replace(
        settings,
        database_url=database_url,
        secret_key=secret_key,
        api_url=settings.api_url.rstrip("/"),
        checkout_url=settings.checkout_url.rstrip("/"),
        dashboard_url=settings.dashboard_url.rstrip("/"),
    )


def _local_secret_key(data_dir: Path) -> str:
    """On the embedded default, a random key kept in the data directory (mode 0600)."""
    path = data_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key
