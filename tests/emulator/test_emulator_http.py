"""The emulator's webhook delivery, its HTTP driver, and running it as `python -m bot.emulator`."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bot.emulator import Emulator
from bot.emulator.client import EmulatorClient, EmulatorClientError


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(webhook_retries=2, webhook_backoff=0.01)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=f"{emu.url}/bot") as ptb_bot:
        yield ptb_bot


class Receiver:
    """A webhook endpoint that answers with scripted statuses and records what it got."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((await request.json(), secret))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_webhook_posts_updates_in_order_with_the_secret_header(
    emu: Emulator, bot: Bot
) -> None:
    alex = emu.create_user("Alex")
    async with Receiver([]) as receiver:
        await bot.set_webhook(receiver.url, secret_token="s3cret-token")
        chat = emu.create_group("G", [alex])
        emu.send_command(chat, alex, "/help")
        await emu.settle(quiet=0.05, timeout=3)
    kinds = [next(k for k in body if k != "update_id") for body, _ in receiver.received]
    assert kinds == ["my_chat_member", "message", "message"]
    assert {secret for _, secret in receiver.received} == {"s3cret-token"}
    assert [d.status for d in emu.webhook_deliveries] == [200, 200, 200]
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)


async def test_webhook_retries_a_failing_endpoint_then_drops_the_update(
    emu: Emulator, bot: Bot
) -> None:
    alex = emu.create_user("Alex")
    chat = emu.create_group("G", [alex], add_bot=False)
    async with Receiver([500, 200, 503, 503, 503]) as receiver:
        await bot.set_webhook(receiver.url)
        emu.add_bot(chat, by=alex)  # two updates: my_chat_member, then the join message
        await emu.settle(quiet=0.05, timeout=3)
    statuses = [(d.update_id, d.status) for d in emu.webhook_deliveries]
    assert statuses == [(1, 500), (1, 200), (2, 503), (2, 503), (2, 503)]
    assert emu.webhook_dropped == [2]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"


async def test_get_updates_while_a_webhook_is_set_answers_409(emu: Emulator, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match=r"(?i)can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_a_ptb_application_in_webhook_mode_gets_updates_and_replies(
    emu: Emulator,
) -> None:
    alex = emu.create_user("Alex")
    chat = emu.create_group("G", [alex])

    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("pong")

    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(emu.token).base_url(f"{emu.url}/bot").build()
    )
    app.add_handler(CommandHandler("ping", ping))
    port = free_port()
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        mark = emu.mark()
        emu.send_command(chat, alex, "/ping")
        assert (await emu.wait_for_message(chat, since=mark)).text == "pong"
        await app.updater.stop()
        await app.stop()
    # PTB sets the webhook before its server listens, so a first attempt may be refused.
    assert emu.webhook_dropped == [] and emu.webhook_deliveries[-1].status == 200


async def test_the_http_driver_plays_users_and_reports_calls(emu: Emulator, bot: Bot) -> None:
    async with EmulatorClient(emu.url) as client:
        assert (await client.health())["bot"]["username"] == "QualityTimeBot"
        alex = await client.create_user("Alex", username="alex")
        sam = await client.create_user("Sam")
        chat = await client.create_group("Alex & Sam", [alex["id"], sam["id"]])
        sent = await bot.send_message(
            chat["id"],
            "Pick one",
            reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},  # type: ignore[arg-type]
        )
        reply = await client.send_message(chat["id"], alex["id"], "mine", reply_to=sent.message_id)
        assert reply["reply_to_message"]["message_id"] == sent.message_id
        query_id = await client.press_button(chat["id"], sam["id"], sent.message_id, "a")
        assert query_id.isdigit()
        history = await client.chat_messages(chat["id"])
        assert [m.get("text") for m in history][-2:] == ["Pick one", "mine"]
        assert len(await client.chat_messages(chat["id"], bot_only=True)) == 1
        calls = await client.calls(method="sendMessage")
        assert [c["params"]["text"] for c in calls] == ["Pick one"]
        waited = await client.wait_for_call("sendMessage", chat_id=chat["id"])
        assert waited["index"] == calls[0]["index"]
        await client.fault("forbid", chat_id=chat["id"])
        assert (await client.limit_stats())["sends"] == 1
        await client.bot_action(chat["id"], "promote", by=alex["id"])
        supergroup = await client.migrate_to_supergroup(chat["id"])
        assert supergroup["type"] == "supergroup"
        with pytest.raises(EmulatorClientError, match="unknown chat"):
            await client.send_message(-1, alex["id"], "where?")
        with pytest.raises(EmulatorClientError) as timed_out:
            await client.wait_for_call("sendPoll", timeout=0.05)
        assert timed_out.value.status == 408
    assert emu.faults.forbidden == {chat["id"]}
    # added (my_chat_member + join), reply, button, promoted, migration notices in both chats
    assert emu.pending_updates() == 7


async def test_python_m_bot_emulator_starts_and_answers_health() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", str(port), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        assert f"http://127.0.0.1:{port}" in banner
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/_emulator/health"
            async with session.get(url) as response:
                body = await response.json()
        assert body["ok"] and body["result"]["bot"]["username"] == "QualityTimeBot"
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0
