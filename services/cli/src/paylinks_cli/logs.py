"""How the ``paylinks`` processes log: uvicorn's format with the request id on every line
(``-`` outside a request), or with ``PAYLINKS_LOG_FORMAT=json`` one JSON object a line for
a log collector, the request id among its keys."""

import copy
import json
import logging
from datetime import UTC, datetime
from typing import Any

import uvicorn.config

TEXT = "text"
JSON = "json"
FORMATS = (TEXT, JSON)


class JsonLines(logging.Formatter):
    """A record as one line of JSON: time (RFC 3339, UTC), level, logger, message, the
    request id, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(log_format: str = TEXT) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` (and uvicorn ``log_config``): uvicorn's handlers and
    the project's own loggers (``paylinks.*``, ``dramatiq``) on them."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"request_id": {"()": "paylinks_api.edge.RequestIdFilter"}}
    for name, formatter in config["formatters"].items():
        if log_format == JSON:
            config["formatters"][name] = {"()": "paylinks_cli.logs.JsonLines"}
        else:
            formatter["fmt"] = formatter["fmt"].replace(
                "%(levelprefix)s ", "%(levelprefix)s %(request_id)s "
            )
        config["handlers"][name]["filters"] = ["request_id"]
    for logger, level in (("paylinks", "INFO"), ("dramatiq", "WARNING")):
        config["loggers"][logger] = {"handlers": ["default"], "level": level, "propagate": False}
    return config
