"""Shared fixtures: a Bot API emulator, the real bot pointed at it, and databases.

Behaviour tests run the real PTB application in the test's event loop; it talks HTTP to the
emulator exactly as it would to Telegram. PostgreSQL tests run when TEST_DATABASE_URL is set
(CI sets it) and then fail loudly if the server cannot be reached.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Chat, Message, User

from bot.app import Content, build_services, load_content
from bot.clock import ManualClock
from bot.config import Settings
from bot.emulator import Emulator
from bot.kernel.db.engine import create_engine, normalise_url, scratch_database
from bot.kernel.db.migrate import upgrade
from bot.kernel.services import Services
from bot.logs import setup_logging
from bot.runner import BotRunner

T = TypeVar("T")

TOKEN = "123456:TEST-TOKEN"
BOT_USERNAME = "QualityTimeBot"
ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Register this suite's own marker."""
    config.addinivalue_line(
        "markers", "from_empty: the engine fixture migrates an empty database (migration tests)"
    )


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


async def eventually(
    condition: Callable[[], object], what: str, *, seconds: float = 5.0, every: float = 0.005
) -> None:
    """Poll ``condition`` (plain or async) until it is true; fail naming ``what`` if it is not."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                result = condition()
                if inspect.isawaitable(result):
                    result = await result
                if result:
                    return
                await asyncio.sleep(every)
    except TimeoutError:
        pytest.fail(f"still waiting after {seconds} s for: {what}")


def in_own_loop(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run async set-up from a session fixture, on a loop of its own (tests each have theirs)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work()).result()


@cache
def shipped_content(prompts_dir: Path, language: str, exercises_file: Path) -> Content:
    """The shipped templates and library (or a session's own, see ``SESSION_PROMPTS``),
    loaded and checked once per session.

    Both are frozen, and loading them (YAML, plus a scan of the code for template references)
    takes most of a second: nearly every test starts a bot, so this was most of the suite.
    """
    settings = make_settings(
        "sqlite+aiosqlite://",
        "http://127.0.0.1:1",
        prompts_dir=prompts_dir,
        language=language,
        exercises_file=exercises_file,
    )
    return load_content(settings)


# Prompt folders written once per session and never changed (the languages' test catalogs):
# their content is loaded once too.
SESSION_PROMPTS: set[Path] = set()


def services_for(settings: Settings, clock: ManualClock) -> Services:
    """``build_services``, reusing the shipped texts and library when the settings name them."""
    shipped = (ROOT / "prompts", "en", ROOT / "exercises.yaml")
    named = (settings.prompts_dir, settings.language, settings.exercises_file)
    if named != shipped and (
        settings.prompts_dir not in SESSION_PROMPTS or settings.exercises_file != shipped[2]
    ):
        return build_services(settings, clock=clock)
    return build_services(settings, clock=clock, loaded=shipped_content(*named))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; tests get copies instead of migrating."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        # Closing the last connection checkpoints the write-ahead log and deletes it, so the
        # file alone is the whole database.
        await engine.dispose()

    in_own_loop(migrate)
    assert not path.with_name(path.name + "-wal").exists()
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """A migrated SQLite database of the test's own, copied from the session's template."""
    path = folder / "bot.db"
    shutil.copy(template, path)
    return f"sqlite+aiosqlite:///{path}"


async def _admin(server_url: str, statement: str) -> None:
    admin = create_engine(server_url)
    try:
        # CREATE and DROP DATABASE cannot run inside a transaction.
        async with admin.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.exec_driver_sql(statement)
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated once per session, copied for each test."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL is not set")
    # Unique per session: other runs may share the server.
    name = f"qt_template_{uuid.uuid4().hex[:12]}"
    url = make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False)

    async def create() -> None:
        await _admin(server, f'CREATE DATABASE "{name}"')
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            # A template with a connection open cannot be copied.
            await engine.dispose()

    in_own_loop(create)
    yield name
    in_own_loop(lambda: _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class SuiteEmulator(Emulator):
    """The emulator, told about the bots running in this process so settling need not guess.

    From outside, "settled" can only mean "no call for a while" (0.2 s by default), and the
    suite settles hundreds of times. A bot in this process can say itself that it has no update
    queued or being handled; then a few milliseconds of quiet only cover the hand-overs between
    the two checks (same event loop: a handful of iterations).
    """

    handed_over_quiet = 0.03

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bots: list[BotRunner] = []

    def bots_busy(self) -> bool:
        """Whether any bot started in this process has an update queued or in hand."""
        return any(
            not runner.app.update_queue.empty()
            or runner.app.update_processor.current_concurrent_updates > 0
            for runner in self.bots
        )

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot took every update, handled it, and made no call for a moment."""
        if not self.bots:
            await super().settle(quiet, timeout)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await super().settle(min(quiet, self.handed_over_quiet), deadline - loop.time())
            if not self.bots_busy():
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"the bot was still handling updates after {timeout}s")
            await asyncio.sleep(0.005)


@pytest.fixture
async def emulator() -> AsyncIterator[SuiteEmulator]:
    """A running emulator on a free port."""
    emu = SuiteEmulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A SQLite file for one test, already migrated to the head revision."""
    return sqlite_copy(sqlite_template, tmp_path)


@asynccontextmanager
async def postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """Create a PostgreSQL database (a copy of ``template``, else empty), drop it afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    async with scratch_database(base, "qt_test", template=template) as url:
        yield url


@pytest.fixture
async def pg_url(postgres_template: str) -> AsyncIterator[str]:
    """A PostgreSQL database for one test, already migrated to the head revision."""
    async with postgres_database(postgres_template) as url:
        yield url


@pytest.fixture
async def engine(any_db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database of each kind.

    Tests marked ``from_empty`` (those of the migrations themselves) get an empty database
    that the fixture migrates; the others a copy of the session's template, where the same
    call is the no-op it is at every start of the bot.
    """
    engine = create_engine(any_db_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each storage test runs on SQLite and, when available, PostgreSQL (migrated copies)."""
    from_empty = request.node.get_closest_marker("from_empty") is not None
    if request.param == "sqlite":
        if from_empty:
            yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        else:
            yield sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    template = None if from_empty else request.getfixturevalue("postgres_template")
    async with postgres_database(template) as url:
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
        """A member sends a command; return the text (or a photo's caption) of the answer."""
        mark = self.emulator.mark()
        self.emulator.send_command(chat, user, command)
        answer = await self.emulator.wait_for_message(chat.id, since=mark)
        return answer.text or answer.caption or ""

    def count_ticks(self) -> Callable[[], int]:
        """From now on, count the scheduler's ticks that finished; return the counter."""
        evening = self.runner.evening
        tick = evening.tick
        done = 0

        async def counted() -> Any:
            nonlocal done
            result = await tick()
            done += 1
            return result

        # The job queue calls the job object, which looks ``tick`` up on itself each time.
        evening.tick = counted  # type: ignore[method-assign]
        return lambda: done


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(
    emulator: SuiteEmulator, sqlite_url: str, clock: ManualClock
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
        services = services_for(settings, clock)
        runner = BotRunner(services, poll_timeout=1.0)
        emulator.bots.append(runner)
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
