"""Replies benchmark: partners answering their evening prompt, pushed through the emulator.

    .venv/bin/python bench/replies.py                       # 5,000 chats, 20,000 replies, SQLite
    .venv/bin/python bench/replies.py --mode webhook
    .venv/bin/python bench/replies.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
    .venv/bin/python bench/replies.py --rate 1000            # a steady 1,000 replies/s instead

What it does:
1. Seeds ``--chats`` couples. The database gets each chat, its two partners and an evening
   prompt post, inserted directly; the emulator gets the matching group (``create_groups``) and
   the bot's prompt message in it (``post_as_bot``, no HTTP), rendered with the bot's own
   templates and keyboard, exactly as the sender would post it.
2. Starts the real bot (``BotRunner``: migrations, PTB application, handlers, polling or webhook)
   against the emulator, with rate limiting off so the bot's own ceiling is measured.
3. Pushes ``--replies`` replies to the prompts (4 per chat by default: each partner replies twice,
   so half are "already answered" no-ops), shuffled across chats but in order within a chat.
   The first two replies of a chat each change the prompt's status line (an editMessageText);
   the last two change nothing and must not edit.
4. Checks the outcome (every answer stored once, every prompt edited exactly twice and showing
   both partners, no failed Bot API call, no error logged) and prints the figures.

Load: by default the replies come as fast as the bot takes them: a closed loop keeps
``--window`` replies outstanding (queued in the emulator or in the bot, not yet handled); 100 is
one getUpdates batch. ``--rate N`` instead offers N replies a second on a fixed schedule (open
loop), whatever the bot does, to read the latency at a given load.

Figures:
- updates/s: replies divided by the wall time from the first reply queued in the emulator to
  the last one handled.
- latency, per reply: from the moment it was queued in the emulator (with ``--rate``, the moment
  the schedule said it should be, so a bot that falls behind cannot hide it) to the moment the
  bot finished handling it: a TypeHandler registered by this script in a group after the bot's
  own handlers records it, after the handler's last Bot API call (the status edit) has returned.
  "in bot" is the part from PTB starting to process the update (a TypeHandler in a group before
  the bot's handlers) to the same end; the rest is waiting in the emulator and in PTB's queue.

The emulator runs in the same process and event loop as the bot (its driver is not thread-safe),
so its work (building updates, answering getUpdates and edits) competes with the bot's for one
core; the figures are therefore a lower bound for the bot alone.

For PostgreSQL, ``--database-url`` names a server and a database to connect to; the benchmark
creates a scratch database next to it and drops it afterwards (``bench/common.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import socket
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
import telegram
from common import ROOT, TOKEN, database, machine
from sqlalchemy import func, insert, select, text
from telegram import Chat, Update, User
from telegram.ext import TypeHandler

from bot.app import build_services, prepare_database
from bot.config import Settings
from bot.emulator import Emulator
from bot.evening.compose import entry_text, evening_keyboard
from bot.logs import setup_logging
from bot.runner import BotRunner
from bot.services import Ctx, Services
from bot.storage.models import Answer, Partner, Post
from bot.storage.models import Chat as ChatRow

SECRET = "bench-webhook-secret"
REPLIES_PER_PARTNER = 2


@dataclass
class Couple:
    """One seeded chat: the emulator's group, the two partners and the prompt's message id."""

    chat: Chat
    partners: tuple[User, User]
    prompt_id: int


@dataclass
class Tracker:
    """Queued, started and finished times of every reply, keyed by (chat id, message id)."""

    total: int
    window: int
    queued: dict[tuple[int, int], float] = field(default_factory=dict)
    started: dict[tuple[int, int], float] = field(default_factory=dict)
    finished: dict[tuple[int, int], float] = field(default_factory=dict)
    room: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def outstanding(self) -> int:
        """Replies queued but not yet handled."""
        return len(self.queued) - len(self.finished)

    async def on_start(self, update: Update, _ctx: Ctx) -> None:
        """PTB began processing the update (runs before the bot's own handlers)."""
        key = _key(update)
        if key is not None:
            self.started.setdefault(key, time.perf_counter())

    async def on_finish(self, update: Update, _ctx: Ctx) -> None:
        """The bot's handlers are done with the update (runs after them)."""
        key = _key(update)
        if key is None or key not in self.queued or key in self.finished:
            return
        self.finished[key] = time.perf_counter()
        if self.outstanding < self.window:
            self.room.set()
        if len(self.finished) == self.total:
            self.done.set()


def _key(update: Update) -> tuple[int, int] | None:
    message = update.effective_message
    return (message.chat_id, message.message_id) if message is not None else None


# -- databases --------------------------------------------------------------------------------


async def database_name(services: Services) -> str:
    """The database kind and server version, for the report."""
    if services.engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (aiosqlite, WAL, one file)"
    async with services.engine.connect() as conn:
        version = (await conn.execute(text("SHOW server_version"))).scalar_one()
    return f"PostgreSQL {version} (asyncpg, 127.0.0.1)"


# -- seeding ----------------------------------------------------------------------------------


def seed_emulator(emu: Emulator, services: Services, chats: int) -> list[Couple]:
    """Groups with two partners each and the bot's evening prompt in every one."""
    texts = services.texts
    prompts = services.library.current.prompts
    keyboard = evening_keyboard(texts)
    rendered = [entry_text(texts, p) for p in prompts]
    couples = []
    for i in range(chats):
        a = emu.create_user(f"Alex{i}")
        b = emu.create_user(f"Sam{i}")
        [chat] = emu.create_groups(1, [a, b], title="Couple")
        prompt = emu.post_as_bot(chat, rendered[i % len(prompts)], reply_markup=keyboard)
        couples.append(Couple(chat, (a, b), prompt.message_id))
    return couples


async def seed_database(services: Services, couples: list[Couple]) -> None:
    """The same couples in the bot's tables: chat, both partners, the evening post."""
    now = services.clock.now()
    prompts = services.library.current.prompts
    zone = services.settings.default_timezone
    chats = [
        {"id": c.chat.id, "timezone": zone, "active": True, "created_at": now - timedelta(days=7)}
        for c in couples
    ]
    partners = [
        {"chat_id": c.chat.id, "user_id": user.id, "display_name": user.first_name}
        for c in couples
        for user in c.partners
    ]
    posts = [
        {
            "chat_id": c.chat.id,
            "message_id": c.prompt_id,
            "kind": "evening",
            "entry_id": prompts[i % len(prompts)].id,
            "posted_at": now - timedelta(minutes=10),
        }
        for i, c in enumerate(couples)
    ]
    async with services.engine.begin() as conn:
        for table, rows in ((ChatRow, chats), (Partner, partners), (Post, posts)):
            for start in range(0, len(rows), 1000):
                await conn.execute(insert(table), rows[start : start + 1000])


def reply_plan(couples: list[Couple], replies: int, seed: int) -> list[tuple[Couple, User]]:
    """Who replies when: partners take turns, twice each; chats interleave at random."""
    rng = random.Random(seed)
    per_chat = 2 * REPLIES_PER_PARTNER
    events: list[tuple[float, int, int]] = []  # (time, chat index, turn)
    for index in range(len(couples)):
        times = sorted(rng.random() for _ in range(per_chat))
        events.extend((t, index, turn) for turn, t in enumerate(times))
    events.sort()
    plan = [(couples[i], couples[i].partners[turn % 2]) for _, i, turn in events]
    return plan[:replies]


# -- the run ----------------------------------------------------------------------------------


async def push_closed(emu: Emulator, plan: list[tuple[Couple, User]], tracker: Tracker) -> None:
    """Keep `window` replies outstanding until all are queued."""
    for n, (couple, user) in enumerate(plan):
        while tracker.outstanding >= tracker.window:
            tracker.room.clear()
            await tracker.room.wait()
        message = emu.send_message(couple.chat, user, f"reply {n}", reply_to=couple.prompt_id)
        tracker.queued[(couple.chat.id, message.message_id)] = time.perf_counter()
        if n % 50 == 49:
            await asyncio.sleep(0)  # let the emulator answer a waiting long poll meanwhile


async def push_open(
    emu: Emulator, plan: list[tuple[Couple, User]], tracker: Tracker, rate: float
) -> None:
    """Queue replies on a fixed schedule of `rate` a second."""
    start = time.perf_counter()
    for n, (couple, user) in enumerate(plan):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0.001:
            await asyncio.sleep(delay)
        message = emu.send_message(couple.chat, user, f"reply {n}", reply_to=couple.prompt_id)
        # The scheduled moment, not the actual one: falling behind counts against the bot.
        tracker.queued[(couple.chat.id, message.message_id)] = min(due, time.perf_counter())


class ProblemCounter(logging.Handler):
    """Count warnings and errors the bot logs during the run."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def settings_for(args: argparse.Namespace, url: str, api_url: str) -> Settings:
    """The bot's settings for the run."""
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": api_url,
        "database_url": url,
        "default_timezone": "Europe/Berlin",
        "exercises_file": ROOT / "exercises.yaml",
        "prompts_dir": ROOT / "prompts",
        "log_level": args.log_level,
        "tick_seconds": 3600,  # no evening tick during the run
        "rate_limit": args.rate_limit,
    }
    if args.mode == "webhook":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        values.update(
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
        )
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def run(args: argparse.Namespace) -> int:
    """Seed, start the bot, push the replies, check and report; the exit status."""
    problems = ProblemCounter()
    async with Emulator(token=TOKEN) as emu, database(args.database_url) as url:
        settings = settings_for(args, url, emu.url)
        services = build_services(settings)
        log_file = Path(tempfile.gettempdir()) / "qt-bench-replies.log"
        setup_logging(settings.log_level, TOKEN)
        # The bot logs as in production, but to a file: its cost is part of the figures.
        logging.getLogger().handlers[0].setStream(log_file.open("w"))  # type: ignore[attr-defined]
        logging.getLogger().addHandler(problems)

        t = time.perf_counter()
        await prepare_database(services)
        couples = seed_emulator(emu, services, args.chats)
        await seed_database(services, couples)
        plan = reply_plan(couples, args.replies, args.seed)
        seeded = time.perf_counter() - t
        db_name = await database_name(services)

        runner = BotRunner(services)
        tracker = Tracker(total=len(plan), window=args.window)
        runner.app.add_handler(TypeHandler(Update, tracker.on_start), group=-1)
        runner.app.add_handler(TypeHandler(Update, tracker.on_finish), group=1)
        await runner.start()
        mark = emu.mark()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        try:
            if args.rate > 0:
                pusher = push_open(emu, plan, tracker, args.rate)
            else:
                pusher = push_closed(emu, plan, tracker)
            await pusher
            try:
                await asyncio.wait_for(tracker.done.wait(), timeout=args.timeout)
            except TimeoutError:
                print(
                    f"timed out: {len(tracker.finished)} of {len(plan)} replies handled",
                    file=sys.stderr,
                )
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
            await emu.settle(quiet=0.2, timeout=30)
        finally:
            await runner.stop()
        calls = emu.calls[mark:]
        failures = check(emu, couples, plan, calls, problems.records)
        failures += await check_database(services, plan)
        at_once = runner.app.update_processor.max_concurrent_updates
        report(args, db_name, seeded, at_once, tracker, calls, failures)
        return 1 if failures else 0


# -- checks and report ------------------------------------------------------------------------


def check(
    emu: Emulator,
    couples: list[Couple],
    plan: list[tuple[Couple, User]],
    calls: list[Any],
    logged: list[str],
) -> list[str]:
    """What must be true after the run, whatever the speed."""
    failures = [f"logged: {line}" for line in logged[:5]]
    failed = [c for c in calls if not c.ok and c.method != "getUpdates"]
    failures += [f"{c.method} failed: {c.status} {c.error}" for c in failed[:5]]
    edits: dict[int, int] = {}
    for call in calls:
        if call.method == "editMessageText" and call.ok:
            chat_id = int(call.params["chat_id"])
            edits[chat_id] = edits.get(chat_id, 0) + 1
    others = {c.method for c in calls} - {"getUpdates", "editMessageText"}
    if others:
        failures.append(f"unexpected calls: {sorted(others)}")
    replied: dict[int, set[int]] = {}
    for couple, user in plan:
        replied.setdefault(couple.chat.id, set()).add(user.id)
    for couple in couples:
        expected = len(replied.get(couple.chat.id, ()))
        if edits.get(couple.chat.id, 0) != expected:
            failures.append(
                f"chat {couple.chat.id}: {edits.get(couple.chat.id, 0)} edits, expected {expected}"
            )
            continue
        if expected == 2:
            prompt = next(
                m for m in emu.bot_messages(couple.chat) if m.message_id == couple.prompt_id
            )
            a, b = (p.first_name for p in couple.partners)
            if f"{a} ✓ · {b} ✓" not in (prompt.text or "") or prompt.reply_markup is not None:
                failures.append(f"chat {couple.chat.id}: the prompt does not show both answers")
    return failures[:20]


async def check_database(services: Services, plan: list[tuple[Couple, User]]) -> list[str]:
    """Every partner who replied has one answer stored; prompts both replied to are settled."""
    replied: dict[int, set[int]] = {}
    for couple, user in plan:
        replied.setdefault(couple.chat.id, set()).add(user.id)
    expected = sum(len(users) for users in replied.values())
    both = sum(1 for users in replied.values() if len(users) == 2)
    async with services.sessions() as session:
        answers = await session.scalar(select(func.count()).select_from(Answer))
        together = await session.scalar(
            select(func.count()).select_from(Post).where(Post.together_at.is_not(None))
        )
    failures = []
    if answers != expected:
        failures.append(f"{answers} answers stored, expected {expected}")
    if together != both:
        failures.append(f"{together} prompts answered by both, expected {both}")
    return failures


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(p / 100 * len(values) + 0.5)))
    return values[rank - 1]


def report(
    args: argparse.Namespace,
    db_name: str,
    seeded: float,
    at_once: int,
    tracker: Tracker,
    calls: list[Any],
    failures: list[str],
) -> None:
    """Print the figures."""
    keys = [k for k in tracker.queued if k in tracker.finished]
    ms = 1000.0
    total = sorted((tracker.finished[k] - tracker.queued[k]) * ms for k in keys)
    in_bot = sorted(
        (tracker.finished[k] - tracker.started[k]) * ms for k in keys if k in tracker.started
    )
    wall = max(tracker.finished.values()) - min(tracker.queued.values()) if keys else 0.0
    edits = sum(1 for c in calls if c.method == "editMessageText" and c.ok)
    polls = sum(1 for c in calls if c.method == "getUpdates")
    load = f"open loop at {args.rate:g}/s" if args.rate > 0 else f"window {args.window}"
    print(
        f"machine   {machine()}; python-telegram-bot {telegram.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )
    print(f"database  {db_name}")
    print(
        f"run       {args.mode}, {args.chats} chats, {len(tracker.queued)} replies "
        f"({load}), {at_once} updates at once, rate limit {'on' if args.rate_limit else 'off'}, "
        f"log {args.log_level}; "
        f"seeded in {seeded:.1f} s"
    )
    print(
        f"handled   {len(keys)} replies in {wall:.2f} s: {len(keys) / wall if wall else 0:.0f} "
        f"updates/s; {edits} status edits, {polls} getUpdates calls"
    )
    for name, values in (("latency", total), ("in bot", in_bot)):
        print(
            f"{name:<9} p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} "
            f"ms, p99 {percentile(values, 99):.1f} ms, max {values[-1] if values else 0:.1f} ms"
        )
    print("check     " + ("ok" if not failures else "FAILED"))
    for failure in failures:
        print(f"  {failure}")


def main() -> int:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--replies", type=int, default=20000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: a temporary SQLite file; PostgreSQL: a scratch database is made there",
    )
    parser.add_argument("--mode", choices=("polling", "webhook"), default="polling")
    parser.add_argument("--window", type=int, default=100, help="replies outstanding at once")
    parser.add_argument("--rate", type=float, default=0.0, help="replies/s, open loop (0: off)")
    parser.add_argument("--rate-limit", action="store_true", help="the bot's Telegram limiter")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the run to FILE")
    args = parser.parse_args()
    if args.replies > args.chats * 2 * REPLIES_PER_PARTNER:
        parser.error(f"at most {2 * REPLIES_PER_PARTNER} replies per chat")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
