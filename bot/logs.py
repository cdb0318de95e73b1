"""Logging set-up: quiet chatty libraries, and keep the bot token out of every line."""

from __future__ import annotations

import logging

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


def setup_logging(level: str, token: str | None) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in _NOISY.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    # PTB logs whole updates at DEBUG, and updates carry what partners wrote.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
