"""Shared fixtures: a Bot API emulator, the real bot pointed at it, and databases.

Behaviour tests run the real PTB application in the test's event loop; it talks HTTP to the
emulator exactly as it would to Telegram. PostgreSQL tests run when TEST_DATABASE_URL is set
(CI sets it) and then fail loudly if the server cannot be reached.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Chat, Message, User

from bot.app import build_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.emulator import Emulator
from bot.kernel.db.engine import create_engine, scratch_database
from bot.kernel.db.migrate import upgrade
from bot.kernel.services import Services
from bot.logs import setup_logging
from bot.runner import BotRunner

TOKEN = "123456:TEST-TOKEN"
BOT_USERNAME = "QualityTimeBot"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Find a port nobody listens on (for the bot's webhook server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    """Settings for a test bot, ignoring any .env in the working directory."""
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": api_url,
        "database_url": database_url,
        "default_timezone": "Europe/Berlin",
        "exercises_file": ROOT / "exercises.yaml",
        "prompts_dir": ROOT / "prompts",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running emulator on a free port."""
    emu = Emulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file for one test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """Create a fresh PostgreSQL database, yield its URL, drop it afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    async with scratch_database(base, "qt_test") as url:
        yield url


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test."""
    async with postgres_database() as url:
        yield url


@pytest.fixture
async def engine(any_db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database of each kind."""
    engine = create_engine(any_db_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each storage test runs on SQLite and, when available, PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    async with postgres_database() as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand, starting on a Monday afternoon in Berlin."""
    return ManualClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))


@dataclass
class RunningBot:
    """The bot under test and the handles a test needs."""

    runner: BotRunner
    services: Services
    emulator: Emulator
    clock: ManualClock

    async def ask(self, chat: Chat, user: User, command: str) -> str:
        """A member sends a command; return the text of the bot's answer."""
        mark = self.emulator.mark()
        self.emulator.send_command(chat, user, command)
        answer = await self.emulator.wait_for_message(chat.id, since=mark)
        return answer.text or ""


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(
    emulator: Emulator, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[StartBot]:
    """Start the real bot against the emulator; stopped at the end of the test."""
    running: list[RunningBot] = []

    async def start(
        mode: str = "polling", database_url: str | None = None, **overrides: Any
    ) -> RunningBot:
        if mode == "webhook":
            port = free_port()
            overrides.setdefault("webhook_url", f"http://127.0.0.1:{port}/telegram")
            overrides.setdefault("webhook_secret", "s3cret-for-tests")
            overrides.setdefault("webhook_listen", "127.0.0.1")
            overrides.setdefault("webhook_port", port)
        settings = make_settings(database_url or sqlite_url, emulator.url, **overrides)
        services = build_services(settings, clock=clock)
        runner = BotRunner(services, poll_timeout=1.0)
        await runner.start()
        bot = RunningBot(runner, services, emulator, clock)
        running.append(bot)
        return bot

    yield start
    for bot in reversed(running):
        await bot.runner.stop()


@dataclass
class Couple:
    """Two partners in a group with the bot, greeted already."""

    alex: User
    sam: User
    chat: Chat
    greeting: Message


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """The bot in polling mode on SQLite."""
    return await start_bot()


@pytest.fixture
async def couple(bot: RunningBot) -> Couple:
    """Alex and Sam create a group and add the bot."""
    emu = bot.emulator
    alex = emu.create_user("Alex", username="alex")
    sam = emu.create_user("Sam", username="sam")
    mark = emu.mark()
    chat = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
    greeting = await emu.wait_for_message(chat.id, since=mark)
    return Couple(alex, sam, chat, greeting)


@pytest.fixture
def bot_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The bot's own logging set-up at DEBUG, restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging("DEBUG", TOKEN)
    yield capsys
    root.handlers[:], level = saved
    root.setLevel(level)
