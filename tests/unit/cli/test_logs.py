"""Log lines: the request id on each, and one JSON object a line when asked."""

import json
import logging
import logging.config
import sys
from collections.abc import Iterator

import pytest

from paylinks.settings import SettingsError, load_settings
from paylinks_api.edge import RequestIdFilter
from paylinks_cli.logs import JSON, TEXT, JsonLines, log_config


@pytest.fixture
def record() -> logging.LogRecord:
    made = logging.LogRecord("paylinks.api", logging.WARNING, __file__, 1, "Lost %s", ("it",), None)
    RequestIdFilter().filter(made)
    return made


def test_a_json_line_has_the_request_id_and_the_message(record: logging.LogRecord) -> None:
    line = json.loads(JsonLines().format(record))

    assert line["message"] == "Lost it"
    assert (line["level"], line["logger"]) == ("warning", "paylinks.api")
    assert line["request_id"] == "-"  # outside a request
    assert line["time"].endswith("+00:00")


def test_a_traceback_stays_on_the_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "paylinks", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    text = JsonLines().format(record)

    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["error"]


@pytest.fixture
def configured() -> Iterator[None]:
    yield
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


@pytest.mark.parametrize("log_format", [TEXT, JSON])
def test_every_handler_adds_the_request_id(log_format: str, configured: None) -> None:
    config = log_config(log_format)
    logging.config.dictConfig(config)

    assert all(h["filters"] == ["request_id"] for h in config["handlers"].values())
    formatters = {f.get("()") for f in config["formatters"].values()}
    if log_format == JSON:
        assert formatters == {"paylinks_cli.logs.JsonLines"}
    else:
        assert all("%(request_id)s" in f["fmt"] for f in config["formatters"].values())


def test_an_unknown_format_stops_the_process() -> None:
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        load_settings({"PAYLINKS_LOG_FORMAT": "xml", "PAYLINKS_SECRET_KEY": "s" * 40}, None)
