"""Running for real: the webhook's secret check, health checks, SIGTERM, and a second poller."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.app import StartupError, build_application, build_services
from bot.emulator import Emulator
from bot.kernel.db.engine import create_engine
from tests.conftest import ROOT, TOKEN, RunningBot, StartBot, eventually, make_settings


def help_update(emulator: Emulator, update_id: int) -> dict[str, object]:
    """A real /help update from a group the bot is in, as Telegram would POST it."""
    alex = emulator.create_user("Alex")
    chat = emulator.create_group("Us", [alex], added_by=alex)
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": chat.to_dict(),
            "from": alex.to_dict(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def post(bot: RunningBot, body: dict[str, object], secret: str | None) -> int:
    settings = bot.services.settings
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http:
        assert settings.webhook_url is not None
        async with http.post(settings.webhook_url, json=body, headers=headers) as response:
            return response.status


@pytest.fixture
async def hooked(start_bot: StartBot) -> RunningBot:
    return await start_bot("webhook")


async def test_an_update_with_the_right_secret_is_processed(hooked: RunningBot) -> None:
    body = help_update(hooked.emulator, 900)
    await hooked.emulator.settle()  # the greeting is out
    mark = hooked.emulator.mark()

    status = await post(hooked, body, "s3cret-for-tests")
    call = await hooked.emulator.wait_for_call("sendMessage", since=mark)

    assert status == 200
    assert "/exercise" in str(call.params["text"])


@pytest.mark.parametrize("secret", [None, "", "guess", "s3cret-for-tests-but-longer"])
async def test_an_update_with_a_wrong_or_missing_secret_gets_403_and_is_ignored(
    hooked: RunningBot, secret: str | None
) -> None:
    body = help_update(hooked.emulator, 901)
    await hooked.emulator.settle()  # the greeting is out
    mark = hooked.emulator.mark()

    status = await post(hooked, body, secret)
    await hooked.emulator.settle()  # the bot has nothing queued or in hand

    assert status == 403
    assert not [c for c in hooked.emulator.calls[mark:] if c.method == "sendMessage"]


async def test_health_check_reports_the_database(hooked: RunningBot) -> None:
    settings = hooked.services.settings
    url = f"http://127.0.0.1:{settings.webhook_port}/healthz"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            healthy = (response.status, await response.json())
        real = hooked.services.engine
        hooked.services.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
        try:
            async with http.get(url) as response:
                broken = (response.status, await response.json())
        finally:
            await hooked.services.engine.dispose()
            hooked.services.engine = real

    assert healthy == (200, {"ok": True, "database": "ok"})
    assert broken == (503, {"ok": False, "database": "unreachable"})


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "http://127.0.0.1:1",
        webhook_url="https://bot.example.org/telegram",
    )

    with pytest.raises(StartupError, match="WEBHOOK_SECRET"):
        build_application(build_services(settings))


async def test_a_second_poller_on_the_same_token_is_reported_clearly(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await start_bot()
    await start_bot()
    await eventually(lambda: "another process is polling" in caplog.text, "the warning", seconds=10)

    assert "another process is polling with this bot token" in caplog.text


async def test_sigterm_stops_the_bot_cleanly_within_seconds(
    emulator: Emulator, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    while b"is running as" not in line:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    alex = emulator.create_user("Alex")
    chat = emulator.create_group("Us", [alex], added_by=alex)
    await emulator.wait_for_message(chat.id, timeout=10)

    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), timeout=10)
    rest = (await process.stdout.read()).decode()

    assert code == 0, rest
    assert "Stopped." in rest
    assert "Traceback" not in rest
