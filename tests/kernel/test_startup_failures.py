"""Start-up failures a person running the bot meets: one clear line, a non-zero exit, no token."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.emulator import Emulator
from tests.conftest import ROOT, free_port

WRONG_TOKEN = "987654:WRONG-TOKEN-abcdefghijklmnopqrstuvwxyz"
# The bot's own log lines (migrations at start-up) are not the failure's words.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO ")


async def run_bot(api_url: str, database: Path, token: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "TELEGRAM_TIMEOUT": "5",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return await process.wait(), output.decode()


def failure_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip() and not LOG_LINE.match(line)]


async def test_a_wrong_token_gives_one_clear_line_without_the_token(
    emulator: Emulator, tmp_path: Path
) -> None:
    code, output = await run_bot(emulator.url, tmp_path / "bot.db", WRONG_TOKEN)

    assert code != 0
    assert len(failure_lines(output)) == 1, output
    assert "rejected the bot token" in output
    assert "@BotFather" in output
    assert WRONG_TOKEN not in output
    assert WRONG_TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    assert "Unclosed" not in output


async def test_an_unreachable_bot_api_gives_one_clear_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    code, output = await run_bot(url, tmp_path / "bot.db", WRONG_TOKEN)

    assert code != 0
    assert len(failure_lines(output)) == 1, output
    assert f"the Telegram Bot API at {url} could not be reached" in output
    assert "Check the network connection" in output
    assert WRONG_TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    assert "Unclosed" not in output
