"""``paylinks checkout``, ``paylinks dashboard`` and ``paylinks build``: their options, and
where page state lives."""

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from paylinks.settings import load_settings
from paylinks_cli import webserve
from paylinks_cli.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("PAYLINKS_REDIS_URL", "PAYLINKS_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    return {"PAYLINKS_DATA_DIR": str(tmp_path / "data"), "PAYLINKS_SECRET_KEY": "s" * 40}


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(webserve, "serve", lambda *args: calls.append(args))
    return calls


class TestServeOptions:
    @pytest.mark.parametrize(("name", "port"), [("checkout", 3001), ("dashboard", 3000)])
    def test_defaults(
        self, name: str, port: int, env: dict[str, str], served: list[tuple[Any, ...]]
    ) -> None:
        result = runner.invoke(app, [name], env=env)
        assert result.exit_code == 0, result.output
        [(served_name, settings, host, served_port, workers)] = served
        assert (served_name, host, served_port, workers) == (name, "127.0.0.1", port, 1)
        assert settings.data_dir == Path(env["PAYLINKS_DATA_DIR"])

    def test_host_port_and_workers(
        self, env: dict[str, str], served: list[tuple[Any, ...]]
    ) -> None:
        args = ["checkout", "--host", "0.0.0.0", "--port", "4001", "--workers", "3"]
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert served[0][2:] == ("0.0.0.0", 4001, 3)

    @pytest.mark.parametrize("args", [["--port", "0"], ["--workers", "0"], ["--workers", "65"]])
    def test_out_of_range_values_are_refused(
        self, args: list[str], env: dict[str, str], served: list[tuple[Any, ...]]
    ) -> None:
        result = runner.invoke(app, ["dashboard", *args], env=env)
        assert result.exit_code == 2
        assert served == []

    def test_more_than_one_process_without_redis_is_refused_before_building(
        self, env: dict[str, str]
    ) -> None:
        result = runner.invoke(app, ["checkout", "--workers", "2"], env=env)
        assert result.exit_code == 1
        assert "PAYLINKS_REDIS_URL" in result.output
        assert not (Path(env["PAYLINKS_DATA_DIR"]) / "web").exists()

    def test_a_bad_redis_url_names_the_setting(self, env: dict[str, str]) -> None:
        result = runner.invoke(app, ["checkout"], env={**env, "PAYLINKS_REDIS_URL": "http://x"})
        assert result.exit_code == 2
        assert "PAYLINKS_REDIS_URL" in result.output


class TestBuildOptions:
    def test_builds_both_apps_for_their_public_addresses(
        self, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[tuple[str, str, bool]] = []

        def build(name: str, url: str, data_dir: Path, *, force: bool, say: Any) -> bool:
            calls.append((name, url, force))
            return True

        monkeypatch.setattr("paylinks_cli.webbuild.ensure_build", build)
        urls = {
            "PAYLINKS_CHECKOUT_URL": "https://pay.example.com",
            "PAYLINKS_DASHBOARD_URL": "https://dashboard.example.com",
        }
        result = runner.invoke(app, ["build"], env={**env, **urls})
        assert result.exit_code == 0, result.output
        assert calls == [
            ("checkout", "https://pay.example.com", False),
            ("dashboard", "https://dashboard.example.com", False),
        ]
        calls.clear()
        result = runner.invoke(app, ["build", "dashboard", "--force"], env={**env, **urls})
        assert result.exit_code == 0, result.output
        assert calls == [("dashboard", "https://dashboard.example.com", True)]

    def test_an_unknown_app_is_refused(self, env: dict[str, str]) -> None:
        assert runner.invoke(app, ["build", "api"], env=env).exit_code == 2


class TestPageState:
    def test_redis_of_its_own_else_the_brokers_else_memory(self, env: dict[str, str]) -> None:
        both = load_settings(
            {**env, "PAYLINKS_REDIS_URL": "redis://s:6379/1", "PAYLINKS_BROKER_URL": "redis://b/0"},
            env_file=None,
        )
        broker = load_settings({**env, "PAYLINKS_BROKER_URL": "redis://b/0"}, env_file=None)
        neither = load_settings(env, env_file=None)
        assert webserve.state_redis_url(both) == "redis://s:6379/1"
        assert webserve.state_redis_url(broker) == "redis://b/0"
        assert webserve.state_redis_url(neither) == ""

    def test_reflex_keeps_page_state_in_redis_with_an_expiry(self) -> None:
        assert webserve.state_environment("redis://r/2") == {
            "REFLEX_STATE_MANAGER_MODE": "redis",
            "REFLEX_REDIS_URL": "redis://r/2",
            "REFLEX_REDIS_TOKEN_EXPIRATION": str(webserve.STATE_EXPIRY_SECONDS),
        }
        assert webserve.state_environment("") == {"REFLEX_STATE_MANAGER_MODE": "memory"}
