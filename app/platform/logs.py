"""Log records as JSON lines (or plain text in development), each with its request id."""

import json
import logging
import sys
from datetime import UTC, datetime

from app.platform import request_id

#: Record attributes that are not extras (uvicorn's ``color_message`` repeats the message).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",
}


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or ``None``) on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.current()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            line["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request_id" and key not in line:
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``LEVEL logger: message`` with `` [request id]`` when there is one."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{text} [{rid}]" if rid else text


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`configure` installs (recognised so it is installed once)."""


def configure(*, level: str | int = "INFO", fmt: str = "json") -> None:
    """Send every logger's records to stderr as ``fmt`` (``json`` or ``text``) at ``level``.

    Replaces the root logger's handlers, so uvicorn's own lines (run with ``log_config=None``)
    come out the same way.
    """
    handler = _Handler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def configure_once(*, level: str | int = "INFO", fmt: str = "json") -> None:
    """:func:`configure` unless the root logger already has a handler (a test runner's, the
    command line's): a worker process uvicorn spawned starts with none."""
    if not logging.getLogger().handlers:
        configure(level=level, fmt=fmt)
