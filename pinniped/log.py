"""Server logging: a constant message plus key/value fields (Pinniped's plog contract).

`logger.info("authenticated user", extra={"username": u})` renders as
`... authenticated user username=u` in text mode, or one JSON object per line.
Secrets never go into fields: callers pass a token's SHA-256 id, never the token.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from typing import Final, Literal

LogFormat = Literal["text", "json"]

_STANDARD_ATTRIBUTES: Final = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime", "taskName"}
)


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRIBUTES}


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = f"{self.formatTime(record)} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        fields = " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in _fields(record).items())
        text = f"{base} {fields}" if fields else base
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def error_fields(error: BaseException) -> dict[str, object]:
    """An unexpected error as log fields: its type and where it was raised, never its message,
    which may quote a token, a request body or a malformed header line."""
    return {"errorType": type(error).__name__, "stack": "".join(traceback.format_tb(error.__traceback__))}


def _without_error_messages(record: logging.LogRecord) -> bool:
    """aiohttp's server logs malformed requests with a traceback whose message quotes the raw
    header line (an Authorization header too); keep the type and frames, drop the message."""
    if record.exc_info and record.exc_info[1] is not None:
        record.__dict__.update(error_fields(record.exc_info[1]))
        record.exc_info = None
        record.exc_text = None
    return True


def configure(level: str = "info", log_format: LogFormat = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    server = logging.getLogger("aiohttp.server")
    if _without_error_messages not in server.filters:
        server.addFilter(_without_error_messages)
