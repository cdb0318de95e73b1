"""Record partners' answers many at a time: the busy path of every reply in every group.

Replies arrive in bursts (an evening prompt goes to thousands of chats at once, and in a group
where the bot sees every message, each message of the conversation comes through here). One
transaction per reply spends most of its time in the database driver, not in SQL, so replies go
through a ``Batcher``: each batch is resolved with three queries and written with two
statements, whatever its size.

Only the common case is handled here: a known, active partner (same display name) answering,
or answering again. Anything else (a first-time member, a guest, a renamed partner) comes back
as ``UNKNOWN`` and takes the full path in ``bot.features.answers.handlers``, which registers people.

Two replicas may batch answers for the same post at the same moment; on PostgreSQL the posts of
a batch are locked (in id order, so batches cannot deadlock each other) before their answers are
read, so the second batch sees the first one's answers and "both answered" is never missed. On
SQLite a batch takes the single write lock before it reads (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.answers.answer_sql import Statements, statements_for
from bot.features.answers.service import ANSWER_WINDOW, ANSWERABLE, AnswerState, PartnerMark, settle
from bot.kernel.batching import Batcher
from bot.kernel.db.engine import checkpoint, sync_engine_like
from bot.kernel.db.models import Post
from bot.kernel.db.partners import NAME_LENGTH

log = logging.getLogger(__name__)

# SQLite: batches written on the event loop between two checkpoints of the write-ahead log
# (SQLite's own default is every 1,000 pages, a few hundred small batches).
CHECKPOINT_EVERY = 100
# A batch that lost a race (SQLite: locked for longer than the busy timeout; PostgreSQL: a
# deadlock) is tried again.
ATTEMPTS = 5


@dataclass(frozen=True)
class Seen:
    """A partner's message that may answer a prompt. Who and when, never what they wrote."""

    chat_id: int
    user_id: int
    name: str
    message_id: int
    at: datetime
    # The bot's message this one replies to; None for a plain message (the bot sees them all).
    reply_to: int | None = None

    @property
    def how(self) -> str:
        """How the answer came: "reply" or "message"."""
        return "message" if self.reply_to is None else "reply"


class Outcome(enum.Enum):
    """What a message meant for the prompt it answers."""

    UNKNOWN = "unknown"  # not a known partner here: take the full path, which registers them
    IGNORED = "ignored"  # answers nothing that is open
    UNCHANGED = "unchanged"  # this partner had answered already
    RECORDED = "recorded"  # a new answer: the prompt's status line needs an edit


@dataclass(frozen=True)
class Result:
    """The outcome, and the post's new state when something was recorded."""

    outcome: Outcome
    state: AnswerState | None = None


class _Partner(NamedTuple):
    id: int
    user_id: int
    display_name: str
    active: bool


@dataclass
class _Chat:
    """One chat's rows in a batch: its partners and the posts the batch may answer."""

    partners: list[_Partner] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)


@dataclass
class _Writes:
    answers: list[dict[str, object]] = field(default_factory=list)
    posts: dict[int, Post] = field(default_factory=dict)


class AnswerRecorder:
    """Submit messages one by one; they are recorded in batches."""

    def __init__(self, engine: AsyncEngine, *, max_batch: int = 200) -> None:
        self._engine = engine
        self._batcher = Batcher[Seen, Result](self._record, max_size=max_batch, name="answers")
        # SQLite (a file; not an in-memory database, which a second connection would not see):
        # a batch runs whole on a plain connection, right on the event loop. Through aiosqlite
        # every statement, begin and commit is a round trip to a worker thread, and those
        # hand-offs, not the SQL, were most of a batch's cost and most of a reply's latency.
        self._sqlite = engine.dialect.name == "sqlite" and engine.url.database not in (
            None,
            "",
            ":memory:",
        )
        self._inline: Engine | None = None  # never waits for a lock: fails instead
        self._patient: Engine | None = None  # waits for a lock, in its own thread
        self._thread: ThreadPoolExecutor | None = None
        self._since_checkpoint = 0
        self.waited = 0  # SQLite batches that found the database locked and waited in the thread
        self._checkpointing: asyncio.Future[None] | None = None

    @property
    def batches(self) -> tuple[int, int]:
        """Batches written and messages in them so far."""
        return self._batcher.batches, self._batcher.items

    async def submit(self, seen: Seen) -> Result:
        """Record one message (with whatever else is waiting) and return what it meant."""
        return await self._batcher.submit(seen)

    async def close(self) -> None:
        """Release the SQLite connections and thread (made again when needed)."""
        if self._checkpointing is not None:
            await self._checkpointing
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        for engine in (self._inline, self._patient):
            if engine is not None:
                engine.dispose()
        self._inline = self._patient = None

    async def _record(self, batch: Sequence[Seen]) -> list[Result]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                if self._sqlite:
                    return await self._on_sqlite(batch)
                async with self._engine.begin() as conn:
                    return await conn.run_sync(record_batch, batch)
            except DBAPIError as exc:
                if attempt == ATTEMPTS or not _lost_race(exc):
                    raise
                log.info("answer batch of %d lost a race (%s); trying again", len(batch), attempt)
                await asyncio.sleep(0.01 * attempt)
        raise AssertionError("unreachable")

    async def _on_sqlite(self, batch: Sequence[Seen]) -> list[Result]:
        if self._inline is None:
            self._inline = sync_engine_like(self._engine, wait=False)
        try:
            results = _in_transaction(self._inline, batch)
        except OperationalError as exc:
            if not _lost_race(exc):
                raise
        else:
            self._since_checkpoint += 1
            if self._since_checkpoint >= CHECKPOINT_EVERY and self._checkpointing is None:
                self._since_checkpoint = 0
                self._checkpointing = asyncio.ensure_future(self._checkpoint())
            return results
        # Another connection (the evening sender, a command) holds the write lock: wait for it
        # in a thread, never on the event loop.
        self.waited += 1
        patient, thread = self._worker()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(thread, _in_transaction, patient, batch)

    async def _checkpoint(self) -> None:
        """The inline connection never checkpoints (the disk may be slow): do it in the thread."""
        patient, thread = self._worker()
        try:
            await asyncio.get_running_loop().run_in_executor(thread, checkpoint, patient)
        except DBAPIError as exc:
            log.warning("could not checkpoint the database's write-ahead log: %s", exc)
        finally:
            self._checkpointing = None

    def _worker(self) -> tuple[Engine, ThreadPoolExecutor]:
        if self._patient is None or self._thread is None:
            self._patient = sync_engine_like(self._engine)
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers")
        return self._patient, self._thread


def _in_transaction(engine: Engine, batch: Sequence[Seen]) -> list[Result]:
    with engine.begin() as conn:
        return record_batch(conn, batch)


def _lost_race(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "deadlock" in text or "could not serialize" in text


def record_batch(conn: Connection, batch: Sequence[Seen]) -> list[Result]:
    """Resolve, decide and write one batch inside the caller's transaction."""
    sql = statements_for(conn)
    chats = _load(conn, sql, batch)
    post_ids = sorted(p.id for chat in chats.values() for p in chat.posts)
    answered = sql.answered(conn, post_ids) if post_ids else set()
    writes = _Writes()
    results = [_decide(seen, chats[seen.chat_id], answered, writes) for seen in batch]
    if writes.answers:
        sql.add_answers(conn, writes.answers)
    if writes.posts:
        sql.mark_posts(conn, writes.posts.values())
    return results


def _load(conn: Connection, sql: Statements, batch: Sequence[Seen]) -> dict[int, _Chat]:
    """The batch's chats: partners, and the posts its messages may answer (locked on PG)."""
    chats = {seen.chat_id: _Chat() for seen in batch}
    query = sql.query()
    wanted = []
    replies = [s for s in batch if s.reply_to is not None]
    if replies:
        # Two lists, not one list of (chat, message) pairs: SQLite reads a pair list by
        # scanning every post ever made. The lists may also match another chat's message id;
        # ``_answers_what`` only takes the post of the message's own chat.
        wanted.append(
            f"({query.among('chat_id', sorted({s.chat_id for s in replies}))}"
            f" AND {query.among('message_id', sorted({cast(int, s.reply_to) for s in replies}))}"
            f" AND {query.among('kind', ANSWERABLE)})"
        )
    plain = [s for s in batch if s.reply_to is None]
    if plain:
        since = min(s.at for s in plain) - ANSWER_WINDOW
        wanted.append(
            f"({query.among('chat_id', sorted({s.chat_id for s in plain}))}"
            f" AND kind = {query.add('evening')} AND posted_at >= {query.add(sql.stamp(since))})"
        )
    for post in sql.posts(conn, " OR ".join(wanted), query):
        chats[post.chat_id].posts.append(post)
    for chat_id, *partner in sql.partners(conn, sorted(chats)):
        chats[chat_id].partners.append(_Partner(*partner))
    return chats


def _decide(seen: Seen, chat: _Chat, answered: set[tuple[int, int]], writes: _Writes) -> Result:
    """What one message means, given what is stored and what this batch recorded before it."""
    partner = next((p for p in chat.partners if p.user_id == seen.user_id), None)
    if partner is None or not partner.active or partner.display_name != seen.name[:NAME_LENGTH]:
        return Result(Outcome.UNKNOWN)
    post = _answers_what(seen, chat.posts)
    if post is None:
        return Result(Outcome.IGNORED)
    if (post.id, partner.id) in answered:
        return Result(Outcome.UNCHANGED)
    answered.add((post.id, partner.id))
    writes.answers.append(
        {
            "post_id": post.id,
            "partner_id": partner.id,
            "answered_at": seen.at,
            "message_id": seen.message_id,
            "how": seen.how,
        }
    )
    marks = tuple(
        PartnerMark(p.display_name, (post.id, p.id) in answered) for p in chat.partners if p.active
    )
    if post.first_answer_at is None:
        post.first_answer_at = seen.at
    writes.posts[post.id] = post
    return Result(Outcome.RECORDED, settle(post, marks, seen.at, changed=True))


def _answers_what(seen: Seen, posts: Sequence[Post]) -> Post | None:
    """The post a message answers: the one replied to, or the chat's open evening prompt."""
    if seen.reply_to is not None:
        return next(
            (p for p in posts if p.message_id == seen.reply_to and p.kind in ANSWERABLE), None
        )
    evenings = [p for p in posts if p.kind == "evening"]
    if not evenings:
        return None
    latest = max(evenings, key=lambda p: (p.posted_at, p.id))
    return latest if seen.at - latest.posted_at <= ANSWER_WINDOW else None
