"""Replies benchmark: partners answering their evening prompt, pushed through the emulator.

    .venv/bin/python bench/replies.py                       # 5,000 chats, 20,000 replies, SQLite
    .venv/bin/python bench/replies.py --mode webhook
    .venv/bin/python bench/replies.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test
    .venv/bin/python bench/replies.py --rate 1000            # a steady 1,000 replies/s instead

What it does:
1. Starts the emulator in a second process (multiprocessing, "spawn"), linked to this one by a
   pipe. It seeds ``--chats`` couples: the emulator gets each group (``create_groups``) and the
   bot's prompt message in it (``post_as_bot``, no HTTP), rendered here with the bot's own
   templates and keyboard, exactly as the sender would post it; the database gets each chat, its
   two partners and the evening prompt post, inserted directly, and ``--history`` earlier
   evenings per chat (30 by default), each answered by both: the tables hold a month of use
   (150,000 posts and 300,000 answers at 5,000 chats), so a query that reads a whole table
   shows.
2. Starts the real bot in this process (``BotRunner``: migrations, PTB application, handlers,
   polling or webhook) against the emulator, with rate limiting off so the bot's own ceiling is
   measured.
3. The emulator process pushes ``--replies`` replies to the prompts (4 per chat by default: each
   partner replies twice, so half are "already answered" no-ops), shuffled across chats but in
   order within a chat. The first two replies of a chat each change the prompt's status line (an
   editMessageText); the last two change nothing and must not edit.
4. Checks the outcome (every answer stored once, every prompt edited exactly twice and showing
   both partners, no failed Bot API call, no error logged) and prints the figures.

Load: by default the replies come as fast as the bot takes them: a closed loop keeps
``--window`` replies outstanding (queued in the emulator or in the bot, not yet handled); 100 is
one getUpdates batch. The bot's process tells the emulator's how many replies it has finished
(at most one small message every 2 ms or every 16 replies). ``--rate N`` instead offers N replies
a second on a fixed schedule (open loop), whatever the bot does, to read the latency at a given
load. ``--timeout``: give up when no reply has been handled for that many seconds.

Figures:
- updates/s: replies divided by the wall time from the first reply queued in the emulator to
  the last one handled.
- latency, per reply: from the moment it was queued in the emulator (with ``--rate``, the moment
  the schedule said it should be, so a bot that falls behind cannot hide it) to the moment the
  bot finished handling it: a TypeHandler registered by this script in a group after the bot's
  own handlers records it, after the handler's last Bot API call (the status edit) has returned.
  "in bot" is the part from PTB starting to process the update (a TypeHandler in a group before
  the bot's handlers) to the same end; the rest is waiting in the emulator and in PTB's queue.
  Times are ``time.monotonic()`` in both processes (CLOCK_MONOTONIC on Linux, system-wide).
- CPU: the bot process's CPU time over the run (first reply offered to last handled) per reply,
  and the emulator process's over the same span.

The emulator (building updates, answering getUpdates and edits, delivering webhooks) runs in its
own process, as Telegram runs on other machines, so it does not compete with the bot for one core;
on a machine with fewer than two cores it still does. ``--profile`` profiles the bot's process.

For PostgreSQL, ``--database-url`` names a server and a database to connect to; the benchmark
creates a scratch database next to it and drops it afterwards (``bench/common.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import random
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import sqlalchemy
import telegram
from common import ROOT, TOKEN, database, machine
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import Chat, InlineKeyboardMarkup, Update, User
from telegram.ext import TypeHandler

from bot.app import build_services, prepare_database
from bot.config import Settings
from bot.emulator import Emulator
from bot.emulator.state import Call
from bot.features.answers.handlers import AnswerHandlers
from bot.kernel.db.models import Answer, Partner, Post
from bot.kernel.db.models import Chat as ChatRow
from bot.kernel.services import Ctx, Services
from bot.kernel.telegram.posts import evening_keyboard
from bot.library.render import entry_text
from bot.logs import setup_logging
from bot.runner import BotRunner

SECRET = "bench-webhook-secret"
REPLIES_PER_PARTNER = 2
PROGRESS_EVERY = 16  # finished replies per progress message at most...
PROGRESS_DELAY = 0.002  # ...or the first unsent one waits this long (seconds)
START_TIMEOUT = 60.0  # for the emulator process to start and to seed
PAST_IDS = 1_000_000  # message ids of the seeded earlier evenings start here

# A reply to send: (index of the couple, 0 or 1 for the partner).
Reply = tuple[int, int]
# A reply's key in the timings: (chat id, message id).
Key = tuple[int, int]


class LinkError(RuntimeError):
    """The other process failed or went away."""


@dataclass(frozen=True)
class Couple:
    """One seeded chat as the database sees it: ids, the partners' names, the prompt's id."""

    chat_id: int
    partners: tuple[tuple[int, str], tuple[int, str]]  # (user id, first name) each
    prompt_id: int


@dataclass
class Outcome:
    """What the emulator process found after the run."""

    failures: list[str]
    edits: int
    polls: int
    queued: dict[Key, float]
    cpu: float


# -- the pipe ---------------------------------------------------------------------------------


class Link:
    """One end of the pipe between the processes, read from the event loop without blocking it.

    Messages are tuples ``(tag, *payload)``. ``("finished", n)`` (the bot has finished n replies)
    only updates ``finished``; the rest wait in order for ``receive``. ``("error", traceback)``
    or the other end closing makes ``receive`` raise.
    """

    def __init__(self, conn: Connection, peer: str) -> None:
        self.conn = conn
        self.peer = peer  # the process at the other end, for errors
        self.finished = 0
        self.progressed = asyncio.Event()
        self.broken = asyncio.Event()
        self._inbox: asyncio.Queue[tuple[Any, ...] | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(conn.fileno(), self._read)

    def _read(self) -> None:
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if message[0] == "finished":
                    self.finished = message[1]
                    self.progressed.set()
                else:
                    self._inbox.put_nowait(message)
                    if message[0] == "error":
                        self.broken.set()
        except (EOFError, OSError):
            self._loop.remove_reader(self.conn.fileno())
            self._inbox.put_nowait(None)
            self.broken.set()

    def send(self, *message: Any) -> None:
        """Send one message (a small one does not block)."""
        self.conn.send(message)

    async def receive(self, tag: str) -> tuple[Any, ...]:
        """The payload of the next message, which must carry this tag."""
        message = await self._inbox.get()
        if message is None:
            self._inbox.put_nowait(None)
            raise LinkError(f"{self.peer} closed the pipe")
        if message[0] == "error":
            raise LinkError(f"{self.peer} failed:\n{message[1]}")
        if message[0] != tag:
            raise LinkError(f"expected {tag!r} from {self.peer}, got {message[0]!r}")
        return message[1:]

    def detach(self) -> None:
        """Stop reading from the event loop (the connection stays open)."""
        if not self.conn.closed:
            self._loop.remove_reader(self.conn.fileno())


# -- the emulator process ---------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One seeded chat as the emulator sees it."""

    chat: Chat
    partners: tuple[User, User]
    prompt_id: int

    def couple(self) -> Couple:
        """The same chat for the database."""
        a, b = self.partners
        return Couple(self.chat.id, ((a.id, a.first_name), (b.id, b.first_name)), self.prompt_id)


def emulator_process(conn: Connection, window: int, rate: float) -> None:
    """The child's entry point: serve, seed, push and check until the bot's process is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        asyncio.run(serve(conn, window, rate))
    except LinkError:
        sys.exit(1)  # the bot's process went away or failed: it reports, not this one
    except BaseException:
        failure = traceback.format_exc()
        try:
            conn.send(("error", failure))  # the bot's process reports it
        except OSError:
            print(failure, file=sys.stderr)  # ...unless it is gone
        sys.exit(1)
    finally:
        conn.close()


async def serve(conn: Connection, window: int, rate: float) -> None:
    """The emulator's side of the run, step by step as the bot's process asks."""
    link = Link(conn, "the bot's process")
    try:
        async with Emulator(token=TOKEN) as emu:
            link.send("url", emu.url)
            rendered, keyboard, chats = await link.receive("seed")
            groups = seed_emulator(emu, rendered, keyboard, chats)
            link.send("couples", [g.couple() for g in groups])
            (plan,) = await link.receive("go")
            # The emulator keeps every chat, message and call: left to the cyclic collector, its
            # full passes over that heap stall the stand-in for Telegram, and every reply with it.
            gc.freeze()
            gc.disable()
            mark = emu.mark()
            cpu = time.process_time()
            queued = await push(emu, link, groups, plan, window, rate)
            cpu = time.process_time() - cpu
            try:
                await emu.settle(quiet=0.2, timeout=30)
                link.send("settled", None)
            except TimeoutError as exc:
                link.send("settled", f"the emulator did not settle: {exc}")
            await link.receive("check")  # the bot has stopped
            calls = emu.calls[mark:]
            failures = check(emu, groups, plan, calls)
            edits = sum(1 for c in calls if c.method == "editMessageText" and c.ok)
            polls = sum(1 for c in calls if c.method == "getUpdates")
            link.send("outcome", Outcome(failures, edits, polls, queued, cpu))
    finally:
        link.detach()


def seed_emulator(
    emu: Emulator, rendered: list[str], keyboard: InlineKeyboardMarkup, chats: int
) -> list[Group]:
    """Groups with two partners each and the bot's evening prompt in every one."""
    groups = []
    for i in range(chats):
        a = emu.create_user(f"Alex{i}")
        b = emu.create_user(f"Sam{i}")
        [chat] = emu.create_groups(1, [a, b], title="Couple")
        prompt = emu.post_as_bot(chat, rendered[i % len(rendered)], reply_markup=keyboard)
        groups.append(Group(chat, (a, b), prompt.message_id))
    return groups


async def push(
    emu: Emulator, link: Link, groups: list[Group], plan: list[Reply], window: int, rate: float
) -> dict[Key, float]:
    """Push the replies until the bot's process says stop; when each was queued."""
    queued: dict[Key, float] = {}
    pusher = asyncio.ensure_future(
        push_open(emu, groups, plan, queued, rate)
        if rate > 0
        else push_closed(emu, link, groups, plan, queued, window)
    )
    stop = asyncio.ensure_future(link.receive("settle"))
    try:
        await asyncio.wait({pusher, stop}, return_when=asyncio.FIRST_COMPLETED)
        if pusher.done():
            pusher.result()  # raises if pushing failed
        await stop  # (on a timeout the bot's process says stop before all are pushed)
    finally:
        pusher.cancel()
        stop.cancel()
    return queued


async def push_closed(
    emu: Emulator,
    link: Link,
    groups: list[Group],
    plan: list[Reply],
    queued: dict[Key, float],
    window: int,
) -> None:
    """Keep `window` replies outstanding (queued here, not yet finished there) until all are."""
    for n, (index, turn) in enumerate(plan):
        while len(queued) - link.finished >= window:
            link.progressed.clear()
            await link.progressed.wait()
        group = groups[index]
        message = emu.send_message(
            group.chat, group.partners[turn], f"reply {n}", reply_to=group.prompt_id
        )
        # time.monotonic is CLOCK_MONOTONIC on Linux: one clock for both processes.
        queued[(group.chat.id, message.message_id)] = time.monotonic()
        if n % 50 == 49:
            await asyncio.sleep(0)  # let the emulator answer a waiting long poll meanwhile


async def push_open(
    emu: Emulator, groups: list[Group], plan: list[Reply], queued: dict[Key, float], rate: float
) -> None:
    """Queue replies on a fixed schedule of `rate` a second."""
    start = time.monotonic()
    for n, (index, turn) in enumerate(plan):
        due = start + n / rate
        delay = due - time.monotonic()
        if delay > 0.001:
            await asyncio.sleep(delay)
        group = groups[index]
        message = emu.send_message(
            group.chat, group.partners[turn], f"reply {n}", reply_to=group.prompt_id
        )
        # The scheduled moment, not the actual one: falling behind counts against the bot.
        queued[(group.chat.id, message.message_id)] = min(due, time.monotonic())


def check(emu: Emulator, groups: list[Group], plan: list[Reply], calls: list[Call]) -> list[str]:
    """What must be true of the Bot API calls and the prompts after the run, whatever the speed."""
    failed = [c for c in calls if not c.ok and c.method != "getUpdates"]
    failures = [f"{c.method} failed: {c.status} {c.error}" for c in failed[:5]]
    edits: dict[int, int] = {}
    for call in calls:
        if call.method == "editMessageText" and call.ok:
            chat_id = int(call.params["chat_id"])
            edits[chat_id] = edits.get(chat_id, 0) + 1
    others = {c.method for c in calls} - {"getUpdates", "editMessageText"}
    if others:
        failures.append(f"unexpected calls: {sorted(others)}")
    replied = replied_by(plan)
    for index, group in enumerate(groups):
        chat_id = group.chat.id
        expected = len(replied.get(index, ()))
        if edits.get(chat_id, 0) != expected:
            failures.append(f"chat {chat_id}: {edits.get(chat_id, 0)} edits, expected {expected}")
            continue
        if expected == 2:
            prompt = next(
                m for m in emu.bot_messages(group.chat) if m.message_id == group.prompt_id
            )
            a, b = (p.first_name for p in group.partners)
            if f"{a} ✓ · {b} ✓" not in (prompt.text or "") or prompt.reply_markup is not None:
                failures.append(f"chat {chat_id}: the prompt does not show both answers")
    return failures[:20]


# -- the bot's process ------------------------------------------------------------------------


@dataclass
class Tracker:
    """Started and finished times of every reply the bot handled, keyed by (chat id, message id).

    The queued times are taken in the emulator's process.
    """

    total: int
    progress: Progress | None
    started: dict[Key, float] = field(default_factory=dict)
    finished: dict[Key, float] = field(default_factory=dict)
    last: float = field(default_factory=time.monotonic)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        if self.total == 0:
            self.done.set()

    async def on_start(self, update: Update, _ctx: Ctx) -> None:
        """PTB began processing the update (runs before the bot's own handlers)."""
        key = _key(update)
        if key is not None:
            self.started.setdefault(key, time.monotonic())

    async def on_finish(self, update: Update, _ctx: Ctx) -> None:
        """The bot's handlers are done with the update (runs after them)."""
        key = _key(update)
        if key is None or key in self.finished:
            return
        self.last = self.finished[key] = time.monotonic()
        count = len(self.finished)
        if self.progress is not None:
            self.progress.update(count)
        if count == self.total:
            self.done.set()


def _key(update: Update) -> Key | None:
    message = update.message  # the replies are the only new messages during the run
    return (message.chat_id, message.message_id) if message is not None else None


class Progress:
    """Tells the emulator's process how many replies the bot finished, in few small messages."""

    def __init__(self, link: Link, total: int) -> None:
        self.link = link
        self.total = total
        self.count = 0
        self.sent = 0
        self._timer: asyncio.TimerHandle | None = None

    def update(self, count: int) -> None:
        """`count` replies are finished: send now, or within PROGRESS_DELAY."""
        self.count = count
        if count - self.sent >= PROGRESS_EVERY or count == self.total:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(PROGRESS_DELAY, self.flush)

    def flush(self) -> None:
        """Send the latest count."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.count > self.sent:
            self.link.send("finished", self.count)
            self.sent = self.count


async def database_name(services: Services) -> str:
    """The database kind and server version, for the report."""
    if services.engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (aiosqlite, WAL, one file)"
    async with services.engine.connect() as conn:
        version = (await conn.execute(text("SHOW server_version"))).scalar_one()
    return f"PostgreSQL {version} (asyncpg, 127.0.0.1)"


async def seed(services: Services, link: Link, chats: int, history: int) -> list[Couple]:
    """Have the emulator seed its groups and prompts, then put the same couples in the database."""
    texts = services.texts
    prompts = services.library.current.prompts
    rendered = [entry_text(texts, p) for p in prompts]
    link.send("seed", rendered, evening_keyboard(texts), chats)
    async with asyncio.timeout(START_TIMEOUT):
        (couples,) = await link.receive("couples")
    await seed_database(services, couples, history)
    return list(couples)


async def seed_database(services: Services, couples: list[Couple], history: int) -> None:
    """The same couples in the bot's tables: chat, both partners, the evening post.

    Each chat also gets ``history`` earlier evenings, each answered by both partners, so that
    the tables are the size a month (by default) of use makes them, not one evening's.
    """
    now = services.clock.now()
    prompts = services.library.current.prompts
    zone = services.settings.default_timezone
    chats = [
        {
            "id": c.chat_id,
            "timezone": zone,
            "active": True,
            "created_at": now - timedelta(days=history + 7),
        }
        for c in couples
    ]
    partners = [
        {"chat_id": c.chat_id, "user_id": user_id, "display_name": name}
        for c in couples
        for user_id, name in c.partners
    ]
    posts = []
    for day in range(history, -1, -1):
        posted = now - timedelta(days=day, minutes=10)
        answered = None if day == 0 else posted + timedelta(minutes=30)
        posts += [
            {
                "chat_id": c.chat_id,
                # Earlier prompts' ids are far from the emulator's; nobody replies to them.
                "message_id": c.prompt_id if day == 0 else PAST_IDS + day,
                "kind": "evening",
                "entry_id": prompts[(i + day) % len(prompts)].id,
                "posted_at": posted,
                "first_answer_at": answered,
                "together_at": answered,
            }
            for i, c in enumerate(couples)
        ]
    async with services.engine.begin() as conn:
        for table, rows in ((ChatRow, chats), (Partner, partners), (Post, posts)):
            await insert_chunked(conn, table, rows)
        if history:
            # Both partners answered every earlier evening: two answers per post.
            partners_of: dict[int, list[int]] = {}
            for partner_id, chat_id in await conn.execute(select(Partner.id, Partner.chat_id)):
                partners_of.setdefault(chat_id, []).append(partner_id)
            past = await conn.execute(
                select(Post.id, Post.chat_id, Post.first_answer_at).where(
                    Post.first_answer_at.is_not(None)
                )
            )
            answers = [
                {"post_id": post_id, "partner_id": partner_id, "answered_at": at, "how": "reply"}
                for post_id, chat_id, at in past
                for partner_id in partners_of[chat_id]
            ]
            await insert_chunked(conn, Answer, answers)


async def insert_chunked(
    conn: AsyncConnection, table: type[Any], rows: list[dict[str, Any]]
) -> None:
    """Insert many rows, a thousand per statement."""
    for start in range(0, len(rows), 1000):
        await conn.execute(insert(table), rows[start : start + 1000])


def reply_plan(chats: int, replies: int, seed: int) -> list[Reply]:
    """Who replies when: partners take turns, twice each; chats interleave at random."""
    rng = random.Random(seed)
    per_chat = 2 * REPLIES_PER_PARTNER
    events: list[tuple[float, int, int]] = []  # (time, chat index, turn)
    for index in range(chats):
        times = sorted(rng.random() for _ in range(per_chat))
        events.extend((t, index, turn) for turn, t in enumerate(times))
    events.sort()
    return [(i, turn % 2) for _, i, turn in events][:replies]


def replied_by(plan: list[Reply]) -> dict[int, set[int]]:
    """Couple index -> the partners (0, 1) who replied at least once."""
    replied: dict[int, set[int]] = {}
    for index, partner in plan:
        replied.setdefault(index, set()).add(partner)
    return replied


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


async def wait_for_replies(tracker: Tracker, link: Link, patience: float) -> None:
    """Until the bot handled every reply, or none for `patience` seconds; raise if the child fails."""
    broken = asyncio.ensure_future(link.broken.wait())
    try:
        while not tracker.done.is_set():
            idle = time.monotonic() - tracker.last
            if idle >= patience:
                print(
                    f"timed out: {len(tracker.finished)} of {tracker.total} replies handled",
                    file=sys.stderr,
                )
                return
            done = asyncio.ensure_future(tracker.done.wait())
            await asyncio.wait(
                {done, broken}, timeout=patience - idle, return_when=asyncio.FIRST_COMPLETED
            )
            done.cancel()
            if broken.done():
                await link.receive("nothing")  # raises LinkError with the child's error
    finally:
        broken.cancel()


async def run(args: argparse.Namespace) -> int:
    """Start the emulator's process, run the benchmark against it, and always stop it."""
    context = multiprocessing.get_context("spawn")  # never fork a process with an event loop
    here, there = context.Pipe()
    child = context.Process(
        target=emulator_process, args=(there, args.window, args.rate), name="emulator", daemon=True
    )
    child.start()
    there.close()
    link = Link(here, "the emulator's process")
    try:
        async with asyncio.timeout(START_TIMEOUT):
            (url,) = await link.receive("url")
        async with database(args.database_url) as db_url:
            return await bench(args, link, url, db_url, child)
    finally:
        link.detach()
        here.close()  # the emulator's process, if still there, sees the end of the pipe and exits
        stop_process(child)


def stop_process(child: BaseProcess) -> None:
    """Wait a little for the emulator's process to exit (it does once done), else end it."""
    child.join(timeout=5)
    if child.is_alive():
        child.terminate()
        child.join(timeout=5)
    if child.is_alive():
        child.kill()
        child.join()


async def bench(
    args: argparse.Namespace, link: Link, api_url: str, db_url: str, child: BaseProcess
) -> int:
    """Seed, start the bot, have the replies pushed, check and report; the exit status."""
    problems = ProblemCounter()
    settings = settings_for(args, db_url, api_url)
    services = build_services(settings)
    log_file = Path(tempfile.gettempdir()) / "qt-bench-replies.log"
    setup_logging(settings.log_level, TOKEN)
    # The bot logs as in production, but to a file: its cost is part of the figures.
    logging.getLogger().handlers[0].setStream(log_file.open("w"))  # type: ignore[attr-defined]
    logging.getLogger().addHandler(problems)

    t = time.monotonic()
    await prepare_database(services)
    couples = await seed(services, link, args.chats, args.history)
    plan = reply_plan(len(couples), args.replies, args.seed)
    seeded = time.monotonic() - t
    db_name = await database_name(services)

    runner = BotRunner(services)
    progress = Progress(link, len(plan)) if args.rate <= 0 else None
    tracker = Tracker(total=len(plan), progress=progress)
    runner.app.add_handler(TypeHandler(Update, tracker.on_start), group=-3)
    runner.app.add_handler(TypeHandler(Update, tracker.on_finish), group=1)
    await runner.start()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        cpu = time.process_time()
        tracker.last = time.monotonic()
        link.send("go", plan)
        await wait_for_replies(tracker, link, args.timeout)
        cpu = time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        link.send("settle")
        async with asyncio.timeout(60):
            (unsettled,) = await link.receive("settled")
    finally:
        await runner.stop()
    link.send("check")
    async with asyncio.timeout(60):
        (outcome,) = await link.receive("outcome")
    failures = [f"logged: {line}" for line in problems.records[:5]]
    failures += [unsettled] if unsettled else []
    failures = (failures + outcome.failures)[:20]
    failures += await check_database(services, plan)
    at_once = runner.app.update_processor.max_concurrent_updates
    report(args, db_name, seeded, at_once, tracker, outcome, cpu, child.pid, failures)
    batches, batched = answer_batches(runner)
    if batches:
        print(
            f"batches   {batches} answer batches, {batched / batches:.1f} messages each on average"
        )
    return 1 if failures else 0


# -- checks and report ------------------------------------------------------------------------


async def check_database(services: Services, plan: list[Reply]) -> list[str]:
    """Every partner who replied has one answer stored; prompts both replied to are settled."""
    replied = replied_by(plan)
    expected = sum(len(partners) for partners in replied.values())
    both = sum(1 for partners in replied.values() if len(partners) == 2)
    tonight = Post.message_id < PAST_IDS  # not the seeded earlier evenings
    async with services.sessions() as session:
        answers = await session.scalar(
            select(func.count()).select_from(Answer).join(Post).where(tonight)
        )
        together = await session.scalar(
            select(func.count()).select_from(Post).where(tonight, Post.together_at.is_not(None))
        )
    failures = []
    if answers != expected:
        failures.append(f"{answers} answers stored, expected {expected}")
    if together != both:
        failures.append(f"{together} prompts answered by both, expected {both}")
    return failures


def print_timeline(queued: dict[Key, float], finished: dict[Key, float], keys: list[Key]) -> None:
    """End-to-end latency second by second (by when each reply was queued): where the tail is."""
    start = min(queued[k] for k in keys)
    seconds: dict[int, list[float]] = {}
    for k in keys:
        seconds.setdefault(int(queued[k] - start), []).append((finished[k] - queued[k]) * 1000)
    for second, values in sorted(seconds.items()):
        values.sort()
        print(
            f"  second {second:3d}: {len(values):5d} replies, p50 {percentile(values, 50):6.1f} ms, "
            f"p99 {percentile(values, 99):6.1f} ms, max {values[-1]:6.1f} ms"
        )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(p / 100 * len(values) + 0.5)))
    return values[rank - 1]


def answer_batches(runner: BotRunner) -> tuple[int, int]:
    """Batches the answers' recorder wrote, and the messages in them (from its handlers)."""
    for handlers in runner.app.handlers.values():
        for handler in handlers:
            owner = getattr(handler.callback, "__self__", None)
            if isinstance(owner, AnswerHandlers):
                return owner.recorder.batches
    return 0, 0


def report(
    args: argparse.Namespace,
    db_name: str,
    seeded: float,
    at_once: int,
    tracker: Tracker,
    outcome: Outcome,
    cpu: float,
    child_pid: int | None,
    failures: list[str],
) -> None:
    """Print the figures."""
    queued = outcome.queued
    keys = [k for k in queued if k in tracker.finished]
    ms = 1000.0
    total = sorted((tracker.finished[k] - queued[k]) * ms for k in keys)
    in_bot = sorted(
        (tracker.finished[k] - tracker.started[k]) * ms for k in keys if k in tracker.started
    )
    wall = max(tracker.finished[k] for k in keys) - min(queued.values()) if keys else 0.0
    load = f"open loop at {args.rate:g}/s" if args.rate > 0 else f"window {args.window}"
    print(
        f"machine   {machine()}; python-telegram-bot {telegram.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )
    print(f"database  {db_name}")
    print(
        f"run       {args.mode}, {args.chats} chats ({args.history} earlier evenings each), "
        f"{len(queued)} replies "
        f"({load}), {at_once} updates at once, rate limit {'on' if args.rate_limit else 'off'}, "
        f"log {args.log_level}; "
        f"seeded in {seeded:.1f} s"
    )
    print(
        f"emulator  in its own process (pid {child_pid}), not the bot's; "
        f"{outcome.cpu:.1f} s CPU over the run"
    )
    print(
        f"handled   {len(keys)} replies in {wall:.2f} s: {len(keys) / wall if wall else 0:.0f} "
        f"updates/s; {outcome.edits} status edits, {outcome.polls} getUpdates calls"
    )
    per_reply = cpu / len(keys) if keys else float("nan")
    print(f"bot CPU   {cpu:.1f} s over the run: {per_reply * ms:.2f} ms per reply")
    for name, values in (("latency", total), ("in bot", in_bot)):
        print(
            f"{name:<9} p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} "
            f"ms, p99 {percentile(values, 99):.1f} ms, max {values[-1] if values else 0:.1f} ms"
        )
    if args.timeline:
        print_timeline(queued, tracker.finished, keys)
    print("check     " + ("ok" if not failures else "FAILED"))
    for failure in failures:
        print(f"  {failure}")


def main() -> int:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--replies", type=int, default=20000)
    parser.add_argument(
        "--history", type=int, default=30, help="earlier evenings per chat, answered by both"
    )
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
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="give up after this long with no reply handled"
    )
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the bot's process")
    parser.add_argument("--timeline", action="store_true", help="latency second by second")
    args = parser.parse_args()
    if args.replies > args.chats * 2 * REPLIES_PER_PARTNER:
        parser.error(f"at most {2 * REPLIES_PER_PARTNER} replies per chat")
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130  # the emulator's process and the scratch database are gone by now


if __name__ == "__main__":
    sys.exit(main())
