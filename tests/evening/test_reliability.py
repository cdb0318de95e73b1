"""The evening prompt is never lost and never doubled: kill -9, two replicas, Telegram's errors.

The process tests run the real ``python -m bot run`` against an emulator in this process, with
chats seeded straight into the database, due a minute ago by the real clock. The only doubles
allowed are the documented ones: a message Telegram had posted when its sender was killed,
before the outcome was written down. Its run is then taken over after the lease and marked
``recovered``; the tests count both and print them.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.emulator import Emulator
from bot.kernel.db.engine import create_engine
from bot.kernel.db.migrate import upgrade
from bot.kernel.db.models import Chat, Run
from bot.kernel.telegram.ratelimit import SlidingWindow
from tests.conftest import ROOT, TOKEN, StartBot, free_port

CHATS = 600
# Enough work that the second replica starts before the first has posted everything.
REPLICA_CHATS = 1000


class BotProcess:
    """``python -m bot run`` in a child process, killed or stopped by the test."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = {**os.environ, **env}
        self.log = log_dir / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("a") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env, stdout=log, stderr=log
            )

    async def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        """SIGTERM, as an operator would, and wait for a clean exit."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), timeout=20)

    def output(self) -> str:
        return self.log.read_text()


def bot_env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    """Settings for a bot process: a quick tick, a short lease, a modest fan-out width."""
    return {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "TICK_SECONDS": "0.3",
        "SEND_CONCURRENCY": "8",
        "SEND_LEASE_SECONDS": "3",
        # Telegram's 30 messages/s would make 1,000 posts take half a minute; the limiter has
        # tests and a benchmark of its own.
        "RATE_LIMIT": "false",
        "TELEGRAM_TIMEOUT": "5",
        "LOG_LEVEL": "INFO",
        **extra,
    }


async def seed_due_chats(database_url: str, chat_ids: Sequence[int]) -> None:
    """The chats as if each joined long ago, with tonight's prompt due a minute ago."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        rows = [
            {
                "id": chat_id,
                "active": True,
                "timezone": "UTC",
                "send_minute": due.hour * 60 + due.minute,
                "next_send_at": due,
                "next_slot_date": due.date(),
            }
            for chat_id in chat_ids
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(Chat), rows)
    finally:
        await engine.dispose()


async def runs_by_status(database_url: str) -> tuple[Counter[str], set[int]]:
    """Runs per status, and the chats whose run was taken over from a dead sender."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(Run.status, func.count()).group_by(Run.status))
            statuses = Counter({status: count for status, count in rows})
            recovered = set(
                (await conn.scalars(select(Run.chat_id).where(Run.recovered.is_(True)))).all()
            )
    finally:
        await engine.dispose()
    return statuses, recovered


async def wait_until(done: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    try:
        async with asyncio.timeout(seconds):
            # Another process's progress: nothing to wait on but the database and the emulator.
            while True:
                if await done():
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise TimeoutError(what) from None


def doubles(emu: Emulator, chat_ids: Sequence[int]) -> dict[int, int]:
    per_chat = emu.limits.stats.sends_per_chat
    return {chat_id: per_chat[chat_id] for chat_id in chat_ids if per_chat[chat_id] > 1}


@pytest.fixture
async def procs(tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    """Bot processes started by a test, stopped (or found dead) at its end."""
    started: list[BotProcess] = []
    yield started
    for proc in started:
        await proc.stop()


async def test_killing_the_bot_process_mid_fan_out_loses_no_prompt_and_doubles_only_recovered_ones(
    emulator: Emulator, any_db_url: str, tmp_path: Path, procs: list[BotProcess]
) -> None:
    alex, sam = emulator.create_user("Alex"), emulator.create_user("Sam")
    chat_ids = [chat.id for chat in emulator.create_groups(CHATS, [alex, sam])]
    await seed_due_chats(any_db_url, chat_ids)
    # Every post lands at once but is answered 20 ms later: a kill always finds some in flight.
    emulator.faults.delay("sendMessage", seconds=0.02, times=None, deliver=True)
    stats = emulator.limits.stats

    kill_points = [90, 270, 450]
    for attempt, kill_at in enumerate([*kill_points, None]):
        # A short lease: each kill leaves its claimed runs to expire before anyone takes them
        # over. A live sender whose lease ran out would only add recoveries the test allows.
        env = bot_env(any_db_url, emulator.url, SEND_LEASE_SECONDS="1.5")
        bot = BotProcess(f"bot-{attempt}", env, tmp_path)
        procs.append(bot)
        await bot.start()
        if kill_at is None:
            break

        async def reached(kill_at: int = kill_at) -> bool:
            return stats.sends >= kill_at

        await wait_until(reached, 30, f"{kill_at} posts ({bot.output()[-2000:]})")
        await bot.kill()

    async def finished() -> bool:
        statuses, _ = await runs_by_status(any_db_url)
        return statuses["sent"] == CHATS

    await wait_until(finished, 40, f"every run sent ({procs[-1].output()[-2000:]})")
    statuses, recovered = await runs_by_status(any_db_url)
    doubled = doubles(emulator, chat_ids)
    print(
        f"\n{len(kill_points)} kills at {kill_points} posts: {len(doubled)} chats got more than one "
        f"prompt, {len(recovered)} runs were recovered from killed senders, "
        f"{stats.sends} posts in all"
    )

    assert dict(statuses) == {"sent": CHATS}
    assert all(stats.sends_per_chat[chat_id] >= 1 for chat_id in chat_ids)
    assert len(doubled) <= len(recovered)
    assert set(doubled) <= recovered  # each double is one of the documented recoveries


async def test_stopping_the_bot_mid_fan_out_hands_back_what_it_had_not_sent(
    emulator: Emulator, sqlite_url: str, tmp_path: Path, procs: list[BotProcess]
) -> None:
    alex, sam = emulator.create_user("Alex"), emulator.create_user("Sam")
    chat_ids = [chat.id for chat in emulator.create_groups(CHATS, [alex, sam])]
    await seed_due_chats(sqlite_url, chat_ids)
    emulator.faults.delay("sendMessage", seconds=0.02, times=None, deliver=True)
    stats = emulator.limits.stats
    first = BotProcess("first", bot_env(sqlite_url, emulator.url), tmp_path)
    procs.append(first)
    await first.start()

    async def halfway() -> bool:
        return stats.sends >= CHATS // 3

    await wait_until(halfway, 30, "a third of the posts")
    await first.stop()  # SIGTERM: in-flight posts are recorded, the rest handed back
    statuses, _ = await runs_by_status(sqlite_url)
    assert statuses["sending"] == 0
    assert statuses["sent"] == stats.sends
    assert statuses["pending"] == CHATS - stats.sends

    second = BotProcess("second", bot_env(sqlite_url, emulator.url), tmp_path)
    procs.append(second)
    await second.start()

    async def finished() -> bool:
        statuses, _ = await runs_by_status(sqlite_url)
        return statuses["sent"] == CHATS

    await wait_until(finished, 30, f"every run sent ({second.output()[-2000:]})")
    _, recovered = await runs_by_status(sqlite_url)
    assert all(stats.sends_per_chat[chat_id] == 1 for chat_id in chat_ids)
    assert recovered == set()


@pytest.mark.postgres
async def test_two_replicas_on_one_database_post_each_evening_prompt_exactly_once(
    emulator: Emulator, pg_url: str, tmp_path: Path, procs: list[BotProcess]
) -> None:
    alex, sam = emulator.create_user("Alex"), emulator.create_user("Sam")
    chat_ids = [chat.id for chat in emulator.create_groups(REPLICA_CHATS, [alex, sam])]
    await seed_due_chats(pg_url, chat_ids)
    # Slow enough that neither replica is done before the other has started.
    emulator.faults.delay("sendMessage", seconds=0.03, times=None, deliver=True)
    for name in ("replica-a", "replica-b"):
        # Two processes polling one token get 409 Conflict: replicas run behind webhooks.
        port = free_port()
        webhook = {
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_SECRET": "replica-secret",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        }
        procs.append(BotProcess(name, bot_env(pg_url, emulator.url, **webhook), tmp_path))
    await asyncio.gather(*(bot.start() for bot in procs))

    async def finished() -> bool:
        statuses, _ = await runs_by_status(pg_url)
        return statuses["sent"] == REPLICA_CHATS

    await wait_until(finished, 40, "every run sent")

    def sent_by() -> dict[str, int]:
        """What each replica says it posted, from its own tick log lines."""
        return {
            bot.name: sum(map(int, re.findall(r"'sent': (\d+)", bot.output()))) for bot in procs
        }

    async def logged() -> bool:
        return sum(sent_by().values()) >= REPLICA_CHATS

    await wait_until(logged, 10, f"both replicas logged their ticks: {sent_by()}")
    for bot in procs:
        await bot.stop()
    statuses, recovered = await runs_by_status(pg_url)
    print(f"\nposts per replica: {sent_by()}")

    assert all(emulator.limits.stats.sends_per_chat[chat_id] == 1 for chat_id in chat_ids)
    assert emulator.limits.stats.sends == REPLICA_CHATS
    assert dict(statuses) == {"sent": REPLICA_CHATS}
    assert recovered == set()
    assert sum(sent_by().values()) == REPLICA_CHATS
    assert all(sent_by().values()), "both replicas should have taken part"


async def test_429s_server_errors_and_403s_during_a_fan_out_lose_nothing_and_double_nothing(
    start_bot: StartBot, emulator: Emulator, sqlite_url: str
) -> None:
    alex, sam = emulator.create_user("Alex"), emulator.create_user("Sam")
    chat_ids = [chat.id for chat in emulator.create_groups(300, [alex, sam])]
    # No limiter in the bot and a tight one in "Telegram": real 429s with retry_after.
    bot = await start_bot(tick_seconds=3600, rate_limit=False)
    await seed_due_chats(sqlite_url, chat_ids)
    emulator.limits.enable(global_per_second=100)
    # "Telegram's" windows on the bot's clock, so moving it on empties them: no waiting.
    emulator.limits.clock = lambda: bot.clock.now().timestamp()
    faults = emulator.faults
    blocked = chat_ids[::29]
    for i, chat_id in enumerate(chat_ids):
        if chat_id in blocked:
            faults.forbid(chat_id)
        elif i % 7 == 0:
            faults.fail("sendMessage", status=500, times=1, chat_id=chat_id)
        elif i % 11 == 0:
            faults.fail("sendMessage", status=502, times=2, chat_id=chat_id)
        elif i % 13 == 0:
            faults.fail("sendMessage", status=429, times=1, chat_id=chat_id)

    ticks = 0
    bot.clock.set(datetime.now(UTC))
    while True:
        await bot.runner.evening.tick()
        ticks += 1
        statuses, _ = await runs_by_status(sqlite_url)
        if statuses["pending"] == 0 and statuses["sending"] == 0:
            break
        assert ticks < 20, statuses
        bot.clock.advance(timedelta(minutes=2))  # past retry_after, backoff and the windows

    per_chat = emulator.limits.stats.sends_per_chat
    delivered = [chat_id for chat_id in chat_ids if chat_id not in blocked]
    print(
        f"\n{emulator.limits.stats.throttled} rate-limit 429s, {len(faults.fired)} injected "
        f"faults, {len(blocked)} blocked chats, all delivered in {ticks} ticks"
    )
    assert emulator.limits.stats.throttled > 0
    assert all(per_chat[chat_id] == 1 for chat_id in delivered)
    assert all(per_chat[chat_id] == 0 for chat_id in blocked)
    assert dict(statuses) == {"sent": len(delivered), "failed": len(blocked)}
    async with bot.services.transaction() as session:
        inactive = set((await session.scalars(select(Chat.id).where(Chat.active.is_(False)))).all())
        reasons = set(
            (await session.scalars(select(Run.reason).where(Run.status == "failed"))).all()
        )
    assert inactive == set(blocked)
    assert reasons == {"forbidden"}


async def test_the_rate_limiter_keeps_a_fan_out_under_telegrams_limits_without_a_single_429(
    start_bot: StartBot, emulator: Emulator, sqlite_url: str
) -> None:
    alex, sam = emulator.create_user("Alex"), emulator.create_user("Sam")
    chat_ids = [chat.id for chat in emulator.create_groups(95, [alex, sam])]
    bot = await start_bot(tick_seconds=3600)
    await seed_due_chats(sqlite_url, chat_ids)
    emulator.limits.enable(global_per_second=30, group_per_minute=20)
    bot.clock.set(datetime.now(UTC))

    result = await bot.runner.evening.tick()

    stats = emulator.limits.stats
    print(f"\n{stats.sends} posts at {stats.per_second():.1f}/s, {stats.throttled} 429s")
    assert result.sent.sent == len(chat_ids)
    assert stats.throttled == 0
    assert stats.per_second() > 0.9 * 30


async def test_a_sliding_window_never_lets_more_than_its_limit_through_in_any_period() -> None:
    window = SlidingWindow(limit=5, period=0.2)
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def call() -> None:
        async with window:
            starts.append(loop.time())
            await asyncio.sleep(0.01)

    await asyncio.gather(*(call() for _ in range(23)))

    # Any six consecutive calls span more than the period (each call's end counts, too).
    assert all(b - a >= 0.2 for a, b in zip(starts, starts[5:], strict=False))
    assert starts[-1] - starts[0] < 4 * 0.3  # and it lets the next five go soon after
