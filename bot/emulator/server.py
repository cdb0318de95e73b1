"""The Bot API over HTTP: routing, parameter parsing, long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator import (  # noqa: F401 - fill the table
    methods,
    methods_chat,
    methods_media,
    methods_photo,
)
from bot.emulator.errors import ApiError, forbidden
from bot.emulator.limits import FaultRule, failure
from bot.emulator.params import Upload, normalize, opt_float, opt_int, opt_json, recorded
from bot.emulator.registry import METHODS, Handler
from bot.emulator.state import Call, World
from bot.emulator.updates import Webhook, WebhookDelivery

log = logging.getLogger(__name__)

MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bots' uploads
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


def answer(status: int, body: Any) -> web.Response:
    """A JSON response; built directly because json_response adds little but cost."""
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
    )


def error_answer(status: int, description: str) -> web.Response:
    """Telegram's error body for a status."""
    return answer(status, ApiError(status, description).payload())


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus form, multipart or JSON body, decoded like Telegram does."""
    raw: dict[str, Any] = dict(request.query) if request.query_string else {}
    if request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if isinstance(body, dict):
                raw.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    raw[key] = value
    return normalize(raw)


class BotApi:
    """Request handlers for /bot<token>/<method> and /file/bot<token>/<path>."""

    def __init__(
        self, world: World, webhook_retries: int, webhook_backoff: float, webhook_timeout: float
    ) -> None:
        self.world = world
        self.webhook_retries = webhook_retries
        self.webhook_backoff = webhook_backoff
        self.webhook_timeout = webhook_timeout
        self.session: aiohttp.ClientSession | None = None

    def add_routes(self, app: web.Application) -> None:
        """Register the Bot API routes."""
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self.download)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One Bot API call."""
        world = self.world
        if request.match_info["token"] != world.token:
            return error_answer(401, "Unauthorized")
        name = request.match_info["method"]
        key = name.lower()
        at = time.time()
        try:
            params = await read_params(request)
        except ApiError as exc:
            self._record(name, {}, exc.status, None, exc.description, at)
            return answer(exc.status, exc.payload())
        if key == "getupdates":
            return await self._get_updates(params, at, request)
        entry = METHODS.get(key)
        if entry is None:
            self._record(name, params, 404, None, "Not Found", at)
            return error_answer(404, "Not Found")
        world.in_flight += 1
        try:
            return await self._run(entry, key, params, at, request)
        finally:
            world.in_flight -= 1
            world.last_activity = time.monotonic()

    async def _run(
        self,
        entry: tuple[str, Handler],
        key: str,
        params: dict[str, Any],
        at: float,
        request: web.Request,
    ) -> web.StreamResponse:
        name, handler = entry
        world = self.world
        rule: FaultRule | None = None
        faults = world.faults
        if faults.rules or faults.forbidden:
            chat_id = params.get("chat_id")
            if isinstance(chat_id, int) and chat_id in faults.forbidden:
                return self._fail(name, params, self._forbidden_error(chat_id), at)
            rule = faults.match(key, chat_id)
            if rule is not None and rule.kind == "fail":
                return self._fail(name, params, failure(rule.status), at)
            if rule is not None and not rule.deliver:
                try:
                    await asyncio.sleep(rule.seconds)
                except asyncio.CancelledError:
                    # The client gave up before the request was processed: nothing is posted.
                    self._record(name, params, 499, None, "client went away; nothing posted", at)
                    raise
        try:
            result = handler(world, params)
        except ApiError as exc:
            response = self._fail(name, params, exc, at)
        except Exception as exc:
            log.exception("emulator bug in %s", name)
            response = self._fail(
                name, params, ApiError(500, f"Internal Server Error: {exc!r}"), at
            )
        else:
            self._record(name, params, 200, result, None, at)
            response = answer(200, {"ok": True, "result": result})
        if rule is not None and rule.deliver:
            await asyncio.sleep(rule.seconds)  # posted already; only the answer is late
        return response

    def _forbidden_error(self, chat_id: Any) -> ApiError:
        state = self.world.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is not None and state.is_private:
            return forbidden("bot was blocked by the user")
        if state is not None and state.chat.type == "supergroup":
            return forbidden("bot was kicked from the supergroup chat")
        return forbidden("bot was kicked from the group chat")

    def _fail(self, name: str, params: dict[str, Any], exc: ApiError, at: float) -> web.Response:
        self._record(name, params, exc.status, None, exc.description, at)
        return answer(exc.status, exc.payload())

    def _record(
        self,
        name: str,
        params: dict[str, Any],
        status: int,
        result: Any,
        error: str | None,
        at: float,
    ) -> None:
        call = Call(name, recorded(params), status == 200, status, result, error, at)
        self.world.record(call)

    async def _get_updates(
        self, params: dict[str, Any], at: float, request: web.Request
    ) -> web.StreamResponse:
        updates = self.world.updates
        name = "getUpdates"
        if updates.webhook is not None:
            return self._fail(name, params, ApiError(409, _WEBHOOK_CONFLICT), at)
        rule = self.world.faults.match("getupdates", None) if self.world.faults.rules else None
        if rule is not None and rule.kind == "fail":
            return self._fail(name, params, failure(rule.status), at)
        if rule is not None:
            await asyncio.sleep(rule.seconds)
        try:
            limit = min(max(opt_int(params, "limit", 100) or 100, 1), 100)
            timeout = max(opt_float(params, "timeout", 0.0), 0.0)
            offset = opt_int(params, "offset")
            allowed = opt_json(params, "allowed_updates")
        except ApiError as exc:
            return self._fail(name, params, exc, at)
        if isinstance(allowed, list):
            updates.set_allowed(allowed)
        future = updates.begin_poll()
        try:
            updates.confirm(offset)
            batch = updates.take(limit)
            if not batch and timeout > 0:
                # Cancelled when the client hangs up: an abandoned poll is not recorded.
                await asyncio.wait({future}, timeout=timeout)
                if future.done() and future.result() == "conflict":
                    if request.transport is None or request.transport.is_closing():
                        return web.Response(status=499)  # nobody is listening any more
                    return self._fail(name, params, ApiError(409, _POLL_CONFLICT), at)
                batch = updates.take(limit)
        finally:
            updates.end_poll(future)
        self._record(name, params, 200, batch, None, at)
        return answer(200, {"ok": True, "result": batch})

    async def download(self, request: web.Request) -> web.StreamResponse:
        """File contents for a getFile path."""
        if request.match_info["token"] != self.world.token:
            return error_answer(404, "Not Found")
        path = request.match_info["path"]
        for stored in self.world.files.values():
            if stored.path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type)
        return error_answer(404, "Not Found")

    async def webhook_loop(self) -> None:
        """Deliver queued updates to the webhook one at a time, in order."""
        updates = self.world.updates
        while True:
            await updates.wake.wait()
            updates.wake.clear()
            while updates.webhook is not None and updates.pending:
                hook = updates.webhook
                update_id, payload = updates.pending[0]
                try:
                    delivered = await self._deliver(hook, update_id, payload)
                except Exception:  # keep delivering whatever one update did to us
                    log.exception("webhook: delivering update %s failed", update_id)
                    delivered = False
                if delivered is None or not updates.pending or updates.pending[0][0] != update_id:
                    continue  # the webhook changed or the queue was dropped meanwhile
                updates.pending.popleft()
                if not delivered:
                    updates.dropped.append(update_id)
                    log.warning("webhook: dropped update %s after failed attempts", update_id)

    async def _deliver(self, hook: Webhook, update_id: int, payload: dict[str, Any]) -> bool | None:
        """POST one update with retries; None when the webhook was changed meanwhile."""
        updates = self.world.updates
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        if self.session is None:
            self.session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        for attempt in range(self.webhook_retries + 1):
            if updates.webhook is not hook:
                return None
            status: int | None = None
            error: str | None = None
            try:
                async with self.session.post(
                    hook.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
                ) as response:
                    status = response.status
                    await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection error: {exc or type(exc).__name__}"
            self.world.last_activity = time.monotonic()
            if status is not None and 200 <= status < 300:
                updates.deliveries.append(WebhookDelivery(update_id, status, None))
                return True
            if error is None:
                error = f"Wrong response from the webhook: {status} {_phrase(status)}"
            updates.deliveries.append(WebhookDelivery(update_id, status, error))
            hook.last_error_date = int(self.world.clock())
            hook.last_error_message = error
            if attempt < self.webhook_retries:
                await asyncio.sleep(self.webhook_backoff * 2**attempt)
        return False

    async def close(self) -> None:
        """Close the webhook client session."""
        if self.session is not None:
            await self.session.close()
            self.session = None


def _phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return "Unknown"
