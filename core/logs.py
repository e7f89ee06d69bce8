"""Logging for operations: one line per event, text or JSON, a correlation id on errors."""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import sys
from datetime import UTC, datetime
from typing import IO

# Libraries that narrate their routine work at INFO: APScheduler logs every tick (about
# 240 lines a minute), Alembic names its plugins on every start. Only their warnings count.
QUIET_LIBRARIES = ("apscheduler", "alembic", "aiohttp.access")

_correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")


def new_correlation_id() -> str:
    """A short id a user can read out to the secretariat and the log can be searched for."""
    return secrets.token_hex(4)


def bind_correlation_id(value: str | None = None) -> str:
    """Tag every log line of the current task (a turn, a job) with one id; returns it."""
    value = value or new_correlation_id()
    _correlation.set(value)
    return value


def current_correlation_id() -> str:
    """The id bound to the current task, or empty."""
    return _correlation.get()


class CorrelationFilter(logging.Filter):
    """Adds `correlation_id`; an error outside any bound task gets one of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", ""):
            cid = _correlation.get()
            if not cid and record.levelno >= logging.ERROR:
                cid = new_correlation_id()
            record.correlation_id = cid
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what Azure Monitor, Loki and friends ingest."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = getattr(record, "correlation_id", "")
        if cid:
            entry["correlation_id"] = cid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic line, with `[ref=…]` when a correlation id is bound."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        cid = getattr(record, "correlation_id", "")
        if not cid:
            return line
        first, sep, rest = line.partition("\n")
        return f"{first} [ref={cid}]{sep}{rest}"


def configure_logging(log_format: str = "text", *, level: int = logging.INFO,
                      stream: IO[str] | None = None) -> logging.Handler:
    """Root handler for the process: our loggers at `level`, library chatter at WARNING."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format.strip().lower() == "json"
                         else TextFormatter())
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    # msrest warns about every JSON key Teams sends that the SDK's models lack (channelData
    # "source", …): noise on ordinary turns, never an action for the operator.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    return handler
