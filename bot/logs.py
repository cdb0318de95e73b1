"""Logging set-up: quiet chatty libraries, and keep the bot token out of every line.

Two formats: readable text, or (``LOG_FORMAT=json``) one JSON object a line for log shippers,
with the ids a line names (chat, update, user, ...) as fields of their own. Either way a line
holds the bot's own words and ids, never what partners wrote, and never the token.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import IO, Any

# httpx logs each request URL, which contains the token; APScheduler logs every tick.
_NOISY = {
    "httpx": logging.WARNING,
    "apscheduler": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log record."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token or ""

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token:
            message = record.getMessage()
            if self._token in message:
                record.msg = message.replace(self._token, "[token]")
                record.args = None
            if record.exc_info and not record.exc_text:
                # Formatters reuse exc_text, so a redacted traceback is what gets printed.
                text = logging.Formatter().formatException(record.exc_info)
                record.exc_text = text.replace(self._token, "[token]")
        return True


# Ids a record may carry as attributes (``extra={"chat_id": ...}``), copied into JSON as they are.
ID_FIELDS = ("chat_id", "user_id", "update_id", "message_id", "run_id", "post_id", "offer_id")
# Ids the bot's log lines name in words ("update 12 in chat -100..."): found and copied too.
_NAMED_ID = re.compile(r"\b(chat|user|update|message|run|post|offer) (-?\d+)\b")


class JsonFormatter(logging.Formatter):
    """One JSON object a record: time, level, logger, message, the ids, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for word, value in _NAMED_ID.findall(message):
            line.setdefault(f"{word}_id", int(value))
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, int) and not isinstance(value, bool):
                line[name] = value
        if record.exc_info:
            # RedactToken has already put a redacted traceback in exc_text when it had one.
            if not record.exc_text:
                record.exc_text = self.formatException(record.exc_info)
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def setup_logging(
    level: str, token: str | None, *, fmt: str = "text", stream: IO[str] | None = None
) -> None:
    """Configure the root logger once for the process (``fmt``: "text" or "json")."""
    handler = logging.StreamHandler(stream)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in _NOISY.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    # PTB logs whole updates at DEBUG, and updates carry what partners wrote.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
