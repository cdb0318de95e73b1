"""The Emulator: start/stop the HTTP server, play users, and inspect what the bot did."""

# The driver API is specified with plain `timeout=` arguments, like asyncio.wait_for.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web
from telegram import BotCommand, BotCommandScope, Chat, Message, User

from bot.emulator.actions import ChatActions, ChatRef
from bot.emulator.conversation import Conversation
from bot.emulator.limits import Faults, RateLimits
from bot.emulator.methods_chat import scope_key
from bot.emulator.routes import add_driver_routes
from bot.emulator.server import MAX_UPLOAD, BotApi, error_answer
from bot.emulator.state import Call, World
from bot.emulator.updates import WebhookDelivery

# Successful calls that put a message into a chat (wait_for_message looks at these).
_POSTING = frozenset({"sendmessage", "sendpoll", "senddocument", "sendphoto"})


class Emulator(ChatActions, Conversation):
    """A local Telegram Bot API server plus a driver to play users and inspect the bot."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - a fake token for local tests
        bot_username: str = "QualityTimeBot",
        privacy_mode: bool = True,
        *,
        bot_name: str = "Quality Time",
        webhook_retries: int = 3,
        webhook_backoff: float = 0.05,
        webhook_timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.world = World(token, bot_username, bot_name, privacy_mode, clock)
        self.limits: RateLimits = self.world.limits
        self.faults: Faults = self.world.faults
        self.api = BotApi(self.world, webhook_retries, webhook_backoff, webhook_timeout)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://host:port of the running server (the bot's base_url is url + "/bot")."""
        if self._url is None:
            raise RuntimeError("the emulator is not running; await emu.start() first")
        return self._url

    @property
    def token(self) -> str:
        """The only token the server accepts."""
        return self.world.token

    @property
    def bot(self) -> User:
        """The bot's own User."""
        return self.world.bot

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 picks a free port); returns the URL."""
        if self._runner is not None:
            raise RuntimeError(f"the emulator is already running at {self._url}")
        app = web.Application(client_max_size=MAX_UPLOAD)
        self.api.add_routes(app)
        add_driver_routes(app, self)
        app.router.add_route("*", "/{tail:.*}", _not_found)
        # handler_cancellation: a long poll or slow answer whose client hung up stops at once.
        runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.25, handler_cancellation=True
        )
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._url = f"http://{host}:{bound_port}"
        self._webhook_task = asyncio.create_task(self.api.webhook_loop())
        return self._url

    async def stop(self) -> None:
        """Answer any hanging long poll at once, stop webhook delivery and close the server."""
        self.world.updates.release()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        await self.api.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- what the bot did ----------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Bot API call in order (getUpdates included)."""
        return self.world.calls

    def mark(self) -> int:
        """A cursor for wait_for_call(since=...)."""
        return len(self.world.calls)

    async def wait_for_call(
        self, method: str, since: int = 0, timeout: float = 5.0, **match: Any
    ) -> Call:
        """The first call at index >= since with this method whose params match."""
        key = method.lower()

        def found(call: Call) -> bool:
            return call.method.lower() == key and all(
                _same(call.params.get(name), expected) for name, expected in match.items()
            )

        call = await self._wait(found, since, timeout)
        if call is None:
            wanted = f"{method}({', '.join(f'{k}={v!r}' for k, v in match.items())})"
            raise TimeoutError(self._explain(wanted, since, timeout))
        return call

    async def wait_for_message(
        self, chat_id: ChatRef, since: int = 0, timeout: float = 5.0
    ) -> Message:
        """The next message the bot posted (sendMessage/sendPoll/sendDocument/sendPhoto) to a chat."""
        target = chat_id.id if isinstance(chat_id, Chat) else chat_id

        def found(call: Call) -> bool:
            if not call.ok or call.method.lower() not in _POSTING:
                return False
            result: dict[str, Any] = call.result
            return bool(result["chat"]["id"] == target)

        call = await self._wait(found, since, timeout)
        if call is None:
            raise TimeoutError(self._explain(f"a message to chat {target}", since, timeout))
        result: dict[str, Any] = call.result
        message = Message.de_json(result, None)
        assert message is not None
        return message

    async def _wait(self, found: Callable[[Call], bool], since: int, timeout: float) -> Call | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        calls = self.world.calls
        while True:
            while index < len(calls):
                index += 1
                if found(calls[index - 1]):
                    return calls[index - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            waiter: asyncio.Future[None] = loop.create_future()
            self.world.call_waiters.append(waiter)
            await asyncio.wait({waiter}, timeout=remaining)

    def _explain(self, wanted: str, since: int, timeout: float) -> str:
        calls = self.world.calls
        recent = [
            f"  #{i} {c.method} -> {c.status}{' ' + c.error if c.error else ''} {_short(c.params)}"
            for i, c in enumerate(calls)
            if i >= since and c.method != "getUpdates"
        ][-15:]
        listing = "\n".join(recent) or "  (no calls besides getUpdates)"
        return (
            f"no {wanted} within {timeout}s (calls from #{since}; {len(calls)} in all; "
            f"{len(self.world.updates.pending)} updates not yet taken by the bot):\n{listing}"
        )

    def bot_messages(self, chat_id: ChatRef) -> list[Message]:
        """Every message the bot posted in a chat, as it is now (edited; deleted ones gone)."""
        bot_id = self.world.bot.id
        return [
            m
            for m in self.state(chat_id).messages.values()
            if m.from_user is not None and m.from_user.id == bot_id
        ]

    def chat_history(self, chat_id: ChatRef) -> list[Message]:
        """Everyone's messages (service messages too) in order, as they are now."""
        return list(self.state(chat_id).messages.values())

    @property
    def answered_callbacks(self) -> dict[str, dict[str, Any]]:
        """Callback query id -> answerCallbackQuery params."""
        return self.world.answered_callbacks

    def documents(self, chat_id: ChatRef) -> list[tuple[str, bytes]]:
        """(filename, bytes) of every document the bot sent to a chat."""
        target = chat_id.id if isinstance(chat_id, Chat) else chat_id
        files = self.world.files
        return [
            (files[fid].filename, files[fid].data)
            for cid, fid in self.world.sent_documents
            if cid == target
        ]

    def photos(self, chat_id: ChatRef) -> list[tuple[str | None, bytes]]:
        """(caption, bytes) of every photo the bot sent to a chat, in order."""
        target = chat_id.id if isinstance(chat_id, Chat) else chat_id
        captions = {m.photo[-1].file_id: m.caption for m in self.bot_messages(target) if m.photo}
        files = self.world.files
        return [
            (captions.get(fid), files[fid].data)
            for cid, fid in self.world.sent_photos
            if cid == target
        ]

    def commands(
        self, scope: str | dict[str, Any] | BotCommandScope = "default", language_code: str = ""
    ) -> list[BotCommand]:
        """The commands set by setMyCommands for a scope ("default", "chat:ID", a dict...)."""
        raw = scope.to_dict() if isinstance(scope, BotCommandScope) else scope
        stored = self.world.commands.get((scope_key(raw), language_code), [])
        return [BotCommand(c["command"], c["description"]) for c in stored]

    def pending_updates(self) -> int:
        """Updates queued but not yet confirmed (polling) or delivered (webhook)."""
        return len(self.world.updates.pending)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST attempt: (update_id, http status or None, error or None)."""
        return self.world.updates.deliveries

    @property
    def webhook_dropped(self) -> list[int]:
        """Update ids given up on after the last retry."""
        return self.world.updates.dropped

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:
        """Wait until the bot took every update and made no call for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        world = self.world
        while True:
            idle = time.monotonic() - world.last_activity
            pending = len(world.updates.pending)
            if not pending and not world.in_flight and idle >= quiet:
                return
            if loop.time() >= deadline:
                raise TimeoutError(
                    f"not settled after {timeout}s: {pending} updates pending, "
                    f"{world.in_flight} calls in flight, last call {idle:.2f}s ago"
                )
            await asyncio.sleep(min(0.02, max(quiet - idle, 0.005)))


def _same(actual: Any, expected: Any) -> bool:
    """Param matching for wait_for_call: equal, equal as integers, or a predicate."""
    if callable(expected) and not isinstance(expected, type):
        return bool(expected(actual))
    if actual == expected:
        return True
    a, e = _number(actual), _number(expected)
    return a is not None and a == e


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _short(params: dict[str, Any], width: int = 160) -> str:
    text = repr(params)
    return text if len(text) <= width else text[: width - 3] + "..."


async def _not_found(request: web.Request) -> web.StreamResponse:
    return error_answer(404, "Not Found")
