"""The webhook server: checks Telegram's secret header, feeds PTB, answers health checks, and
serves the operator's metrics at ``/metrics``."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.kernel.db.engine import ping, probe_write
from bot.kernel.metrics import metrics_response
from bot.kernel.services import BotApp, Services
from bot.kernel.telegram.wellformed import missing_field

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def looks_like_update(data: object) -> bool:
    """Whether JSON has an Update's shape: an object with an integer update_id, whose every
    other field is an object (an Update's fields are all Telegram objects)."""
    if not isinstance(data, dict):
        return False
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return False
    return all(isinstance(value, dict) for key, value in data.items() if key != "update_id")


class WebhookServer:
    """A small aiohttp app in front of PTB's update queue."""

    def __init__(self, app: BotApp, services: Services, *, path: str = "/telegram") -> None:
        self._app = app
        self._services = services
        self.path = path
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        secret = services.settings.webhook_secret
        self._secret = secret.get_secret_value() if secret else ""

    async def start(self, host: str, port: int) -> None:
        """Listen for Telegram's POSTs and health checks."""
        api = web.Application(client_max_size=1 << 20)
        api.router.add_post(self.path, self._receive)
        api.router.add_get("/healthz", self._health)
        api.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(api, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1]) if addresses else port

    async def stop(self) -> None:
        """Stop accepting requests; PTB drains what was already queued."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # Constant-time comparison: the secret is the only thing keeping strangers out.
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("webhook request with a wrong or missing secret token refused")
            return web.Response(status=403)
        update = await self._update_of(request)
        if update is None:
            log.warning("webhook request with a body that is not an update refused")
            return web.Response(status=400)
        await self._app.update_queue.put(update)
        return web.Response(status=200)

    async def _update_of(self, request: web.Request) -> Update | None:
        """The body as an Update; None for anything else (bad JSON, or JSON of another shape)."""
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            return None
        if not looks_like_update(data):
            return None
        try:
            update = Update.de_json(data, self._app.bot)
        except Exception:  # any shape PTB cannot read is the sender's mistake, not ours
            return None
        missing = missing_field(update)
        if missing is not None:
            log.info("webhook update %s lacks %s", update.update_id, missing)
            return None
        return update

    async def _metrics(self, _request: web.Request) -> web.Response:
        return metrics_response(self._services.metrics)

    async def _health(self, _request: web.Request) -> web.Response:
        try:
            await ping(self._services.engine)
        except Exception as exc:
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        try:
            await probe_write(self._services.engine)
        except Exception as exc:
            log.warning("health check: database refuses writes: %s", type(exc).__name__)
            return web.json_response({"ok": False, "database": "read-only"}, status=503)
        return web.json_response({"ok": True, "database": "ok"})
