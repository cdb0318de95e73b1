"""Who answered a prompt: replies, messages (when the bot sees them), and "we talked in person".

Replies are the busy path of every group (an evening prompt goes to thousands of chats at once,
and where the bot sees every message, each message of the conversation comes through here).
They go through a ``Batcher``: everything waiting is recorded in one transaction, read with one
query (two on PostgreSQL, which locks the posts first) and written with two statements, whatever
the batch's size. It is their one write path: a member the batch does not know yet (new, or
renamed) is registered by the handler, then the message goes through the batch again.

Only the fact of an answer is kept (who, when, how, the message id), never what was written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.features.answers import queries
from bot.features.answers.rules import (
    ANSWER_WINDOW,
    ANSWERABLE,
    AnswerState,
    Outcome,
    PartnerMark,
    Pending,
    Result,
    Seen,
    decide,
    state_of,
)
from bot.kernel.actor import Actor
from bot.kernel.batching import Batcher
from bot.kernel.db.engine import (
    Connection,
    DatabaseError,
    Engine,
    Session,
    is_sqlite,
    lost_race,
    write_first_engine,
)
from bot.kernel.db.partners import NAME_LENGTH
from bot.kernel.services import Services

__all__ = [
    "ANSWERABLE",
    "ANSWER_WINDOW",
    "AnswerState",
    "InPerson",
    "Outcome",
    "PartnerMark",
    "Recorder",
    "Result",
    "Seen",
    "in_person",
    "meet",
    "record_batch",
    "talked_in_person",
]

log = logging.getLogger(__name__)

# A batch that lost a race (a PostgreSQL deadlock or serialization failure; SQLite locked for
# longer than the busy timeout) is tried again.
ATTEMPTS = 5


class Recorder:
    """Submit messages one by one; they are recorded in batches, one transaction each."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = 200,
    ) -> None:
        self._engine = engine
        self._batcher = Batcher[Seen, Result](self._record, max_size=max_batch, name="answers")
        # SQLite: a batch must hold the write lock before it reads, which the bot's engine
        # (sqlite3's deferred BEGIN) does not do; made on first use, closed by ``close``.
        self._writer: Engine | None = None

    @property
    def batches(self) -> tuple[int, int]:
        """Batches written and messages in them so far."""
        return self._batcher.batches, self._batcher.items

    async def submit(self, seen: Seen) -> Result:
        """Record one message (with whatever else is waiting) and return what it meant."""
        if len(seen.name) > NAME_LENGTH:
            seen = replace(seen, name=seen.name[:NAME_LENGTH])  # as stored
        return await self._batcher.submit(seen)

    async def close(self) -> None:
        """Release the SQLite writer's connections (made again when needed)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await writer.dispose()

    async def _record(self, batch: Sequence[Seen]) -> list[Result]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._writing().begin() as conn:
                    results = await record_batch(conn, batch)
            except DatabaseError as exc:
                if attempt == ATTEMPTS or not lost_race(exc):
                    raise
                log.info("answer batch of %d lost a race (%s); trying again", len(batch), attempt)
                await asyncio.sleep(0.01 * attempt)
            else:
                return results
        raise AssertionError("unreachable")

    def _writing(self) -> Engine:
        if not is_sqlite(self._engine):
            return self._engine
        if self._writer is None:
            self._writer = write_first_engine(self._engine)
        return self._writer


async def record_batch(conn: Connection, batch: Sequence[Seen]) -> list[Result]:
    """Resolve, decide and write one batch inside the caller's transaction."""
    chats, answered, private = await queries.load_batch(conn, batch)
    pending = Pending(answered=answered, private=private)
    results = [decide(seen, chats[seen.chat_id], pending) for seen in batch]
    await queries.add_answers(conn, pending.answers)
    await queries.stamp_posts(conn, pending.posts.values())
    return results


@dataclass(frozen=True)
class InPerson:
    """What "We talked in person" did: refused (``key``), or the prompt's new state."""

    key: str | None = None
    state: AnswerState | None = None


async def meet(services: Services, actor: Actor) -> bool:
    """Register the group and the member (a newcomer's first answer); True for a partner."""
    async with services.meeting(actor) as met:
        return met.chat is not None and met.partner is not None


async def talked_in_person(services: Services, actor: Actor, message_id: int) -> InPerson:
    """Both partners talked it over face to face: mark the prompt answered by both."""
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return InPerson(key="answers.only_couple")
        state = await in_person(
            met.session, met.chat.id, message_id, met.now, language=met.chat.language
        )
    return InPerson(key="answers.gone") if state is None else InPerson(state=state)


async def in_person(
    session: Session, chat_id: int, message_id: int, now: datetime, *, language: str = "en"
) -> AnswerState | None:
    """Mark everyone as answered, inside the caller's transaction.

    None when the message is no prompt that takes answers (any more).
    """
    post = await queries.post_for_reply(session, chat_id, message_id)
    if post is None:
        return None
    changed = not post.in_person
    if changed:
        await queries.mark_in_person(session, post, now)
        post = replace(
            post,
            in_person=True,
            first_answer_at=post.first_answer_at or now,
            together_at=post.together_at or now,
        )
    marks: tuple[PartnerMark, ...] = await queries.marks(session, post)
    return state_of(post, marks, changed=changed, language=language)
