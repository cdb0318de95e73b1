"""What the webhook does with bodies that are not Telegram's updates, and with strangers' chats."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.emulator import Emulator
from bot.kernel.db.engine import create_engine
from bot.kernel.db.models import Chat, Partner
from tests.conftest import RunningBot, StartBot

SECRET = "s3cret-for-tests"


async def post_raw(bot: RunningBot, body: str) -> int:
    settings = bot.services.settings
    assert settings.webhook_url is not None
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(settings.webhook_url, data=body, headers=headers) as response,
    ):
        return response.status


def command_from(emulator: Emulator, chat_id: int, command: str, update_id: int) -> str:
    """A group command as Telegram would POST it, from a chat of the emulator's world."""
    alex = emulator.create_user("Alex")
    chat = {"id": chat_id, "type": "group", "title": "Not ours"}
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": chat,
                "from": alex.to_dict(),
                "text": command,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        }
    )


@pytest.fixture
async def hooked(start_bot: StartBot) -> RunningBot:
    return await start_bot("webhook")


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        "123",
        '"x"',
        "null",
        '{"update_id": 5, "message": "hello"}',
        '{"update_id": "5"}',
        '{"update_id": 5, "message": {"message_id": 1}}',
        "{not json",
    ],
)
async def test_a_body_that_is_not_an_update_gets_400_and_one_log_line(
    hooked: RunningBot, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    status = await post_raw(hooked, body)
    await hooked.emulator.settle()

    assert status == 400
    refusals = [r for r in caplog.records if "not an update" in r.getMessage()]
    assert len(refusals) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_command_from_a_chat_the_bot_is_not_in_stores_nothing(
    hooked: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    emulator = hooked.emulator
    alex = emulator.create_user("Sam")
    outside = emulator.create_group("Not ours", [alex], add_bot=False)
    mark = emulator.mark()

    statuses = [
        await post_raw(hooked, command_from(emulator, outside.id, "/settings", 700)),
        await post_raw(hooked, command_from(emulator, -987654321, "/time 20:00", 701)),
    ]
    await emulator.settle()

    async with hooked.services.transaction() as session:
        chats = await session.scalar(select(func.count()).select_from(Chat))
        partners = await session.scalar(select(func.count()).select_from(Partner))
    assert statuses == [200, 200]
    assert (chats, partners) == (0, 0)
    assert not [c for c in emulator.calls[mark:] if c.method == "sendMessage"]
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_group_the_bot_is_in_but_has_no_row_for_gets_one_on_its_first_command(
    hooked: RunningBot,
) -> None:
    """After /forget (or a missed join) the group stays usable: the bot checks it is a member."""
    emulator = hooked.emulator
    alex = emulator.create_user("Alex")
    chat = emulator.create_group("Us", [alex], added_by=alex)
    await emulator.wait_for_message(chat.id)  # the greeting, through the webhook
    async with hooked.services.transaction() as session:
        await session.delete(await session.get(Chat, chat.id))
    mark = emulator.mark()

    emulator.send_command(chat, alex, "/settings")
    await emulator.wait_for_message(chat.id, since=mark)

    async with hooked.services.transaction() as session:
        assert await session.get(Chat, chat.id) is not None


async def test_health_check_answers_503_when_the_database_refuses_writes(
    hooked: RunningBot, sqlite_url: str
) -> None:
    """Reads still work on a read-only file; the health check must notice the writes fail."""
    settings = hooked.services.settings
    url = f"http://127.0.0.1:{settings.webhook_port}/healthz"
    path = sqlite_url.split(":///", 1)[1]
    real = hooked.services.engine
    async with aiohttp.ClientSession() as http:
        hooked.services.engine = create_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
        try:
            async with http.get(url) as response:
                read_only = (response.status, await response.json())
        finally:
            await hooked.services.engine.dispose()
            hooked.services.engine = real
        async with http.get(url) as response:
            writable = (response.status, await response.json())

    assert read_only == (503, {"ok": False, "database": "read-only"})
    assert writable == (200, {"ok": True, "database": "ok"})
