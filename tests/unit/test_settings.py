"""Settings from PAYLINKS_* variables and an optional .env file; bad ones name themselves."""

import os
import stat
from pathlib import Path

import pytest

from paylinks.settings import Settings, SettingsError, load_settings

SECRET = "s" * 32


def load(tmp_path: Path, **variables: str) -> Settings:
    """Settings from the given variables (names without the prefix), data under tmp_path."""
    environ = {"PAYLINKS_DATA_DIR": str(tmp_path / "data"), "PAYLINKS_SECRET_KEY": SECRET}
    environ.update({f"PAYLINKS_{name}": value for name, value in variables.items()})
    return load_settings(environ, env_file=None)


class TestDefaults:
    def test_embedded_defaults(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        settings = load_settings({}, env_file=None)
        assert settings.data_dir == Path(".paylinks")
        assert settings.database_url == "sqlite:///.paylinks/paylinks.sqlite3"
        assert settings.is_sqlite
        assert settings.broker_url == ""
        assert settings.api_url == "http://127.0.0.1:8000"
        assert settings.checkout_url == "http://127.0.0.1:3001"
        assert settings.dashboard_url == "http://127.0.0.1:3000"
        assert settings.smtp_host == ""
        assert settings.smtp_port == 587
        assert settings.smtp_starttls is True
        assert settings.webhooks_allow_private is False
        assert settings.reservation_seconds == 900
        assert len(settings.secret_key) >= 32

    def test_sqlite_lives_under_the_data_dir(self, tmp_path: Path) -> None:
        settings = load(tmp_path)
        assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'paylinks.sqlite3'}"

    def test_ignores_variables_without_the_prefix(self, tmp_path: Path) -> None:
        settings = load_settings(
            {"PAYLINKS_DATA_DIR": str(tmp_path), "SMTP_PORT": "x", "API_URL": "nope"},
            env_file=None,
        )
        assert settings.smtp_port == 587
        assert settings.api_url == "http://127.0.0.1:8000"

    def test_an_empty_variable_means_the_default(self, tmp_path: Path) -> None:
        settings = load(tmp_path, SMTP_PORT="", API_URL="", SMTP_STARTTLS="")
        assert settings.smtp_port == 587
        assert settings.api_url == "http://127.0.0.1:8000"
        assert settings.smtp_starttls is True


class TestValues:
    def test_reads_each_kind_of_value(self, tmp_path: Path) -> None:
        settings = load(
            tmp_path,
            DATABASE_URL="postgresql://paylinks@db.internal:5432/paylinks",
            BROKER_URL="redis://cache:6379/0",
            SMTP_HOST="mail.example.com",
            SMTP_PORT="2525",
            SMTP_STARTTLS="false",
            WEBHOOKS_ALLOW_PRIVATE="true",
            RESERVATION_SECONDS="120",
            API_URL="https://api.example.com",
        )
        assert settings.database_url == "postgresql://paylinks@db.internal:5432/paylinks"
        assert not settings.is_sqlite
        assert settings.broker_url == "redis://cache:6379/0"
        assert settings.smtp_host == "mail.example.com"
        assert settings.smtp_port == 2525
        assert settings.smtp_starttls is False
        assert settings.webhooks_allow_private is True
        assert settings.reservation_seconds == 120
        assert settings.api_url == "https://api.example.com"

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1", True),
            ("true", True),
            ("TRUE", True),
            ("yes", True),
            ("on", True),
            (" True ", True),
            ("0", False),
            ("false", False),
            ("no", False),
            ("off", False),
        ],
    )
    def test_booleans(self, tmp_path: Path, raw: str, expected: bool) -> None:
        assert load(tmp_path, WEBHOOKS_ALLOW_PRIVATE=raw).webhooks_allow_private is expected

    def test_public_urls_lose_their_trailing_slash(self, tmp_path: Path) -> None:
        settings = load(
            tmp_path,
            API_URL="https://api.example.com/",
            CHECKOUT_URL="https://pay.example.com/",
            DASHBOARD_URL="https://dash.example.com/",
        )
        assert settings.api_url == "https://api.example.com"
        assert settings.checkout_url == "https://pay.example.com"
        assert settings.dashboard_url == "https://dash.example.com"


class TestRetention:
    def test_ninety_days_by_default(self, tmp_path: Path) -> None:
        retention = load(tmp_path).retention
        assert (retention.event_days, retention.message_days) == (90, 90)

    def test_each_kind_its_own(self, tmp_path: Path) -> None:
        retention = load(
            tmp_path, EVENT_RETENTION_DAYS="30", MESSAGE_RETENTION_DAYS="400"
        ).retention
        assert (retention.event_days, retention.message_days) == (30, 400)


class TestBadSettings:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("SMTP_PORT", "abc"),
            ("SMTP_PORT", "25.5"),
            ("SMTP_PORT", "0"),
            ("SMTP_PORT", "70000"),
            ("RESERVATION_SECONDS", "ten"),
            ("RESERVATION_SECONDS", "5"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("PASSWORD_HASH_WORKERS", "0"),
            ("PASSWORD_HASH_WORKERS", "1000"),
            ("START_HOLD_SECONDS", "5"),
            ("START_LIMIT_PER_HOUR", "0"),
            ("DB_POOL_SIZE", "0"),
            ("DB_POOL_SIZE", "many"),
            ("DB_POOL_TIMEOUT", "0"),
            ("DB_LOCK_TIMEOUT", "0"),
            ("IDEMPOTENCY_LEASE_SECONDS", "1"),
            ("IDEMPOTENCY_LEASE_SECONDS", "86400"),
            ("EVENT_RETENTION_DAYS", "1"),
            ("EVENT_RETENTION_DAYS", "forever"),
            ("MESSAGE_RETENTION_DAYS", "0"),
            ("MESSAGE_RETENTION_DAYS", "100000"),
            ("SMTP_STARTTLS", "maybe"),
            ("WEBHOOKS_ALLOW_PRIVATE", "2"),
            ("API_URL", "ftp://api.example.com"),
            ("API_URL", "api.example.com"),
            ("CHECKOUT_URL", "not a url"),
            ("DASHBOARD_URL", "https://"),
            ("DATABASE_URL", "mysql://db/paylinks"),
            ("DATABASE_URL", "sqlite://"),
            ("BROKER_URL", "amqp://broker"),
            ("SECRET_KEY", "too-short"),
            ("SECRET_KEY", "s" * 31),
        ],
    )
    def test_names_the_variable(self, tmp_path: Path, name: str, value: str) -> None:
        with pytest.raises(SettingsError, match=f"^PAYLINKS_{name}: ") as caught:
            load(tmp_path, **{name: value})
        assert caught.value.name == name

    @pytest.mark.parametrize("value", ["http:api.example.com", "https:///pay", "http:/"])
    def test_refuses_a_web_url_without_a_host(self, tmp_path: Path, value: str) -> None:
        with pytest.raises(SettingsError, match=r"^PAYLINKS_CHECKOUT_URL: "):
            load(tmp_path, CHECKOUT_URL=value)

    def test_settings_error_is_a_value_error(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError):
            load(tmp_path, SMTP_PORT="abc")


class TestEnvFile:
    def test_is_read(self, tmp_path: Path) -> None:
        env_file = tmp_path / ".env"
        env_file.write_text(
            "# local development\n"
            "PAYLINKS_SMTP_HOST=mail.example.com\n"
            'PAYLINKS_SMTP_PORT="2525"\n'
            f"PAYLINKS_DATA_DIR={tmp_path / 'data'}\n"
            f"PAYLINKS_SECRET_KEY={SECRET}\n"
        )
        settings = load_settings({}, env_file=env_file)
        assert settings.smtp_host == "mail.example.com"
        assert settings.smtp_port == 2525
        assert settings.secret_key == SECRET

    def test_environment_overrides_it(self, tmp_path: Path) -> None:
        env_file = tmp_path / ".env"
        env_file.write_text("PAYLINKS_SMTP_HOST=from-file\nPAYLINKS_SMTP_PORT=2525\n")
        settings = load_settings(
            {
                "PAYLINKS_SMTP_PORT": "25",
                "PAYLINKS_DATA_DIR": str(tmp_path),
                "PAYLINKS_SECRET_KEY": SECRET,
            },
            env_file=env_file,
        )
        assert settings.smtp_port == 25
        assert settings.smtp_host == "from-file"

    def test_a_missing_file_is_ignored(self, tmp_path: Path) -> None:
        settings = load_settings(
            {"PAYLINKS_DATA_DIR": str(tmp_path), "PAYLINKS_SECRET_KEY": SECRET},
            env_file=tmp_path / "missing.env",
        )
        assert settings.smtp_port == 587

    def test_a_bad_value_in_it_names_the_variable(self, tmp_path: Path) -> None:
        env_file = tmp_path / ".env"
        env_file.write_text("PAYLINKS_SMTP_PORT=abc\n")
        with pytest.raises(SettingsError, match="PAYLINKS_SMTP_PORT"):
            load_settings({"PAYLINKS_DATA_DIR": str(tmp_path)}, env_file=env_file)


class TestSecretKey:
    def test_is_created_in_the_data_dir_readable_by_the_owner_only(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "nested" / "data"
        settings = load_settings({"PAYLINKS_DATA_DIR": str(data_dir)}, env_file=None)
        key_file = data_dir / "secret_key"
        assert key_file.is_file()
        assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        assert key_file.read_text().strip() == settings.secret_key
        assert len(settings.secret_key) >= 32

    def test_is_reused_on_the_next_start(self, tmp_path: Path) -> None:
        environ = {"PAYLINKS_DATA_DIR": str(tmp_path / "data")}
        first = load_settings(environ, env_file=None)
        second = load_settings(environ, env_file=None)
        assert first.secret_key == second.secret_key

    def test_differs_between_data_dirs(self, tmp_path: Path) -> None:
        one = load_settings({"PAYLINKS_DATA_DIR": str(tmp_path / "a")}, env_file=None)
        two = load_settings({"PAYLINKS_DATA_DIR": str(tmp_path / "b")}, env_file=None)
        assert one.secret_key != two.secret_key

    def test_a_given_key_writes_no_file(self, tmp_path: Path) -> None:
        settings = load(tmp_path)
        assert settings.secret_key == SECRET
        assert not (tmp_path / "data" / "secret_key").exists()

    def test_a_short_key_file_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "secret_key").write_text("short\n")
        with pytest.raises(SettingsError, match="PAYLINKS_SECRET_KEY"):
            load_settings({"PAYLINKS_DATA_DIR": str(tmp_path)}, env_file=None)
