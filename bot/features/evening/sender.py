"""The sender: claim due runs with a lease, post each prompt once, record what happened.

Outcomes, by what Telegram answered (as ``bot.kernel.telegram.outcomes.classify`` reads it):
- sent: the message id is stored with the run, the post and the library use.
- 429 RetryAfter: back to pending, not before ``now + retry_after``.
- 5xx, connection failures, connect timeouts: back to pending with backoff, at most
  ``MAX_ATTEMPTS`` tries, then failed.
- read timeout: the request reached Telegram and may have been posted; ``sendMessage`` has no
  idempotency key, so it is recorded as ``maybe_sent`` and never blindly sent again.
- 403: the bot was removed or blocked; the chat is deactivated.
- group migrated: the chat's data moves to the new id and the run is retried there at once.
A sender killed mid-batch leaves its runs in ``sending``; when the lease expires another sender
takes them over and sends them (``recovered``). Outcomes are written as they come in (every
write takes all that arrived meanwhile), so only the messages in flight or just answered at the
moment of the kill can be doubled; they are among those counted as ``recovered``. A run whose
lease would run out before its answer could be recorded is handed back unsent, so a slow
sender never races the one that takes over from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import TelegramError

from bot.features.activities import service as activities
from bot.features.activities.queries import pulses
from bot.features.activities.rules import Evening, plan_evening
from bot.features.activities.view import quiet_offer
from bot.features.evening import queries as runs
from bot.kernel.db import chats as chat_queries
from bot.kernel.db import uses
from bot.kernel.db.models import Chat, EntryUse, Post, Suggestion
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import Classified, Outcome, classify
from bot.kernel.telegram.posts import evening_keyboard
from bot.kernel.telegram.ratelimit import NO_RETRIES
from bot.library.activities import ActivityPick
from bot.library.picker import History, Pick, Preferences, pick, seed_for
from bot.library.render import entry_text
from bot.library.schema import Kind, Prompt

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
WRITE_ATTEMPTS = 3
LINGER = 0.02  # seconds the writer waits for more outcomes before a write


@dataclass
class SendResult:
    """Counts of one sender pass, by outcome."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def sent(self) -> int:
        """How many prompts were posted."""
        return self.outcomes["sent"]


@dataclass(frozen=True)
class _Job:
    claim: runs.Claimed
    chat: Chat | None
    plan: Evening = Evening.PROMPT
    pick: Pick | None = None
    offer: ActivityPick | None = None
    # Start no send after this: its answer might then come after the lease ran out.
    send_by: datetime | None = None


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent | retry | transient | maybe_sent | forbidden | migrated | failed | released
    message_id: int | None = None
    delay: float = 0.0
    new_chat_id: int | None = None
    reason: str | None = None


class Sender:
    """Posts due runs; several senders (processes) may run against one database."""

    def __init__(
        self,
        services: Services,
        bot: Any,
        *,
        batch: int = 200,
        concurrency: int = 32,
        lease: timedelta = timedelta(minutes=2),
        send_timeout: float = 10.0,
        rate_limited: bool = True,
    ) -> None:
        self.services = services
        self.bot = bot
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self.batch = batch
        self.lease = lease
        # Room for the slowest answer (the request timeout) and for writing it down.
        self._margin = min(lease / 2, timedelta(seconds=send_timeout + 5))
        self._slots = asyncio.Semaphore(concurrency)  # shared by overlapping passes
        self._keyboard = evening_keyboard(services.texts)
        self._rendered: dict[str, str] = {}  # library entry id -> its message, this pass
        self._stopping = False
        # With PTB's rate limiter on, 429s come back to us instead of being retried in place.
        self._send_kwargs: dict[str, Any] = {"rate_limit_args": NO_RETRIES} if rate_limited else {}

    def stop(self) -> None:
        """Stop claiming; runs already claimed but not yet sent are handed back."""
        self._stopping = True

    async def send_due(self) -> SendResult:
        """Send everything due now, until nothing is left or we are stopping.

        Sends keep ``concurrency`` requests in flight across batches: the next batch is claimed
        and prepared while the last sends of the previous one are still out, and a background
        writer records outcomes as they arrive.
        """
        result = SendResult()
        # One keyboard, and one rendering of each prompt, for the whole pass: at 1,000 posts/s
        # building them again for every chat is a measurable share of the CPU.
        self._keyboard = evening_keyboard(self.services.texts)
        self._rendered.clear()
        recorder = _Recorder(lambda done: self._record(done, result))
        sending: set[asyncio.Task[None]] = set()

        async def send(job: _Job) -> None:
            try:
                outcome = await self._send(job)
            except Exception:
                # A bug, not Telegram: retry a few times (MAX_ATTEMPTS) rather than lose the run.
                log.exception("chat %s: the evening prompt could not be sent", job.claim.chat_id)
                outcome = _Outcome("transient", reason="error")
            finally:
                self._slots.release()
            recorder.add(job, outcome)

        claiming: asyncio.Task[list[_Job]] | None = asyncio.create_task(self._claim())
        try:
            while claiming is not None:
                jobs = await claiming
                claiming = None
                if self._stopping or recorder.failed:
                    # What cannot be written down must not be sent: hand the batch back.
                    for job in jobs:
                        recorder.add(job, _Outcome("released"))
                    break
                if not jobs:
                    if not sending and recorder.drained:
                        break
                    # Outcomes still coming in may put runs back for now (a migrated group):
                    # let them land, then look once more.
                    if sending:
                        await asyncio.wait(sending)
                    await recorder.flush()
                    claiming = asyncio.create_task(self._claim())
                    continue
                # Claim and prepare the next batch while this one goes out.
                claiming = asyncio.create_task(self._claim())
                for job in jobs:
                    await self._slots.acquire()
                    if recorder.failed:
                        # The rest of the batch stays claimed, unsent, until its lease ends.
                        self._slots.release()
                        break
                    task = asyncio.create_task(send(job))
                    sending.add(task)
                    task.add_done_callback(sending.discard)
        finally:
            if sending:
                await asyncio.wait(sending)
            if claiming is not None:
                # A batch claimed as we failed goes straight back. Its error, if it has one,
                # is the one already propagating.
                with contextlib.suppress(Exception):
                    for job in await claiming:
                        recorder.add(job, _Outcome("released"))
            await recorder.close()
        self._report(result)
        return result

    async def _claim(self) -> list[_Job]:
        """Take the next batch of due runs and get each one's message ready."""
        if self._stopping:
            return []
        now = self.services.clock.now()
        async with self.services.transaction() as session:
            claimed = await runs.claim_runs(
                session, now, owner=self.owner, lease=self.lease, limit=self.batch
            )
        if not claimed:
            return []
        return await self._prepare(claimed, now + self.lease - self._margin)

    async def _prepare(self, claimed: list[runs.Claimed], send_by: datetime) -> list[_Job]:
        ids = [c.chat_id for c in claimed]
        now = self.services.clock.now()
        library = self.services.library.current
        async with self.services.transaction() as session:
            found = {
                c.id: c for c in (await session.scalars(select(Chat).where(Chat.id.in_(ids)))).all()
            }
            chats = list(found.values())
            pulse_of, together = await pulses(session, chats, now)
            histories = await uses.histories(session, ids, together)
            used_activities = {
                chat.id: await activities.used_ids(session, chat)
                for chat in chats
                if plan_evening(pulse_of[chat.id], now) == Evening.ACTIVITY
            }
        jobs = []
        for claim in claimed:
            chat = found.get(claim.chat_id)
            if chat is None:
                jobs.append(_Job(claim, None, send_by=send_by))
                continue
            plan = plan_evening(pulse_of[chat.id], now)
            if plan == Evening.ACTIVITY:
                offer = activities.choose(library, chat, used_activities[chat.id], now, count=3)
                if offer.activities:
                    jobs.append(_Job(claim, chat, plan, offer=offer, send_by=send_by))
                    continue
                plan = Evening.PROMPT  # nothing fits their preferences: a question after all
            prefs = Preferences(
                max_depth=chat.max_depth,
                disabled_categories=frozenset(filter(None, chat.disabled_categories.split(","))),
            )
            chosen = pick(
                library,
                histories.get(chat.id, History()),
                prefs,
                seed=seed_for(chat.id, chat.picks),
                kinds=(Kind.PROMPT,),
            )
            jobs.append(_Job(claim, chat, plan, pick=chosen, send_by=send_by))
        return jobs

    async def _send(self, job: _Job) -> _Outcome:
        if job.chat is None or not job.chat.active:
            return _Outcome("failed", reason="inactive")
        if job.plan == Evening.REST:
            return _Outcome("rest", reason="resting")
        texts = self.services.texts
        if job.offer is not None:
            text, keyboard = quiet_offer(texts, job.offer.activities)
        elif job.pick is not None:
            entry = job.pick.entry
            assert isinstance(entry, Prompt)
            rendered = self._rendered.get(entry.id)
            if rendered is None:
                rendered = self._rendered[entry.id] = entry_text(texts, entry)
            text, keyboard = rendered, self._keyboard
        else:
            return _Outcome("failed", reason="empty_library")
        if self._stopping or (job.send_by is not None and self.services.clock.now() > job.send_by):
            return _Outcome("released")
        try:
            message = await self.bot.send_message(
                job.chat.id, text, reply_markup=keyboard, **self._send_kwargs
            )
        except TelegramError as exc:
            return self._failed(job.chat.id, classify(exc), exc)
        return _Outcome("sent", message_id=message.message_id)

    @staticmethod
    def _failed(chat_id: int, result: Classified, exc: TelegramError) -> _Outcome:
        """This sender's policy for a send that did not go through."""
        match result.outcome:
            case Outcome.RETRY_AFTER:
                return _Outcome("retry", delay=result.retry_after or 0.0)
            case Outcome.CHAT_MOVED:
                return _Outcome("migrated", new_chat_id=result.new_chat_id)
            case Outcome.CHAT_GONE:
                return _Outcome("forbidden", reason="forbidden")
            case Outcome.MAYBE_SENT:
                # No idempotency key: a second prompt would be worse than a missing one.
                return _Outcome("maybe_sent", reason=result.reason)
            case Outcome.REFUSED:
                log.error("chat %s: Telegram refused the evening prompt: %s", chat_id, exc)
                return _Outcome("failed", reason=result.reason)
            case _:
                return _Outcome("transient", reason=result.reason)

    async def _record(self, done: list[tuple[_Job, _Outcome]], result: SendResult) -> None:
        now = self.services.clock.now()
        changes: list[dict[str, Any]] = []
        released: list[int] = []
        async with self.services.transaction() as session:
            # One query for every chat that got a post, instead of one per post.
            posted = [job.claim.chat_id for job, outcome in done if outcome.kind == "sent"]
            chats = (
                {c.id: c for c in await session.scalars(select(Chat).where(Chat.id.in_(posted)))}
                if posted
                else {}
            )
            for job, outcome in done:
                claim = job.claim
                if outcome.kind == "released":
                    released.append(claim.id)
                    continue
                change: dict[str, Any] = {"id": claim.id, "lease_owner": None, "lease_until": None}
                if outcome.kind == "sent":
                    change.update(status=runs.SENT, message_id=outcome.message_id, sent_at=now)
                    chat = chats.get(claim.chat_id)
                    if chat is not None:
                        change.update(
                            _record_post(session, chat, job, outcome.message_id or 0, now)
                        )
                elif outcome.kind == "rest":
                    change.update(status=runs.SKIPPED, reason=outcome.reason, kind="rest")
                elif outcome.kind == "retry":
                    change.update(
                        status=runs.PENDING,
                        not_before=now + timedelta(seconds=max(outcome.delay, 1)),
                    )
                elif outcome.kind == "transient" and claim.attempts < MAX_ATTEMPTS:
                    backoff = min(2**claim.attempts * 5, 600)
                    change.update(
                        status=runs.PENDING,
                        not_before=now + timedelta(seconds=backoff),
                        reason=outcome.reason,
                    )
                elif outcome.kind == "migrated" and outcome.new_chat_id is not None:
                    await chat_queries.migrate_chat(session, claim.chat_id, outcome.new_chat_id)
                    change.update(status=runs.PENDING, not_before=now)
                elif outcome.kind == "forbidden":
                    await chat_queries.deactivate(session, claim.chat_id)
                    change.update(status=runs.FAILED, reason="forbidden")
                elif outcome.kind == "maybe_sent":
                    change.update(status=runs.MAYBE_SENT, reason=outcome.reason)
                else:
                    change.update(status=runs.FAILED, reason=outcome.reason or "gave_up")
                changes.append(change)
            await _insert_new_rows(session)
            await runs.finish(session, changes)
            await runs.release(session, released, self.owner)
        # Counted once written: a write that failed and is tried again must not count twice.
        for job, outcome in done:
            result.outcomes[outcome.kind] += 1
            if job.claim.recovered:
                result.outcomes["recovered"] += 1

    def _report(self, result: SendResult) -> None:
        """Log the outcomes that need an operator's eye."""
        if result.outcomes["maybe_sent"] or result.outcomes["recovered"]:
            log.warning(
                "evening prompts with an uncertain first attempt: %d read timeouts (not re-sent), "
                "%d taken over from a stopped sender",
                result.outcomes["maybe_sent"],
                result.outcomes["recovered"],
            )


class _Recorder:
    """Writes outcomes in the background: each write takes everything that arrived meanwhile.

    Recording as soon as possible keeps the window in which a killed process leaves a posted
    message unrecorded (and so posted again by whoever takes over) as small as it can be, while
    batching keeps the cost per message low when thousands arrive a second.
    """

    def __init__(self, write: Callable[[list[tuple[_Job, _Outcome]]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[_Job, _Outcome]] = []
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()  # everything added so far is written
        self._drained.set()
        self._closing = False
        self._task = asyncio.create_task(self._run())

    @property
    def failed(self) -> bool:
        """The writer stopped on an error (the database is gone): stop claiming more."""
        return self._task.done()

    @property
    def drained(self) -> bool:
        """Everything added so far is written."""
        return self._drained.is_set()

    def add(self, job: _Job, outcome: _Outcome) -> None:
        """Queue one outcome for the next write."""
        self._waiting.append((job, outcome))
        self._drained.clear()
        self._wake.set()

    async def flush(self) -> None:
        """Wait until everything added so far is written (or the writer has failed)."""
        drained = asyncio.ensure_future(self._drained.wait())
        await asyncio.wait({drained, self._task}, return_when=asyncio.FIRST_COMPLETED)
        drained.cancel()

    async def close(self) -> None:
        """Write what is left and stop; re-raises the writer's error, if any."""
        self._closing = True
        self._wake.set()
        await self._task

    async def _write_with_retries(self, done: list[tuple[_Job, _Outcome]]) -> None:
        # Posts that were sent but not written down are posted again once their lease runs
        # out: a locked database or a dropped connection is worth a few more tries first.
        for attempt in range(WRITE_ATTEMPTS):
            try:
                await self._write(done)
                return
            except OperationalError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                log.warning("could not record %d send outcomes, trying again", len(done))
                await asyncio.sleep(0.5 * 2**attempt)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if not self._closing:
                # Rate-limited posts come back in bursts (a window's worth at a time): a moment's
                # wait makes one write of a burst instead of many, for little more at risk.
                await asyncio.sleep(LINGER)
            self._wake.clear()
            while self._waiting:
                done, self._waiting = self._waiting, []
                await self._write_with_retries(done)
            self._drained.set()
            if self._closing:
                return


async def _insert_new_rows(session: AsyncSession) -> None:
    """Insert the posts, library uses and offers added above with one statement per table.

    Left to the unit of work, SQLite gets one INSERT per row (the ORM reads every new id back,
    and SQLite cannot tell which id went to which row of a multi-row INSERT): at a thousand
    posts a second that was most of the sender's database time. Nothing here needs the ids.
    """
    by_table: dict[type[Post | EntryUse | Suggestion], list[dict[str, Any]]] = {}
    for row in list(session.new):
        if isinstance(row, Post | EntryUse | Suggestion):
            session.expunge(row)
            by_table.setdefault(type(row), []).append(_values(row))
    for table, values in by_table.items():
        # A list of parameter sets makes an ORM bulk INSERT: one executemany, no ids read back.
        await session.execute(insert(table), values)


def _values(row: object) -> dict[str, Any]:
    """The column values set on a new ORM object (the rest take their defaults)."""
    state = inspect(row)
    return {
        attr.key: state.dict[attr.key]
        for attr in state.mapper.column_attrs
        if attr.key in state.dict
    }


def _record_post(
    session: AsyncSession, chat: Chat, job: _Job, message_id: int, now: datetime
) -> dict[str, Any]:
    """Remember the post (for answers) or the offer, and the library use; return run changes."""
    if job.offer is not None:
        activities.record_offer(
            session, chat, job.offer, message_id=message_id, source="evening", now=now
        )
        return {"kind": "activity"}
    assert job.pick is not None
    entry = job.pick.entry
    uses.record_pick(session, chat, job.pick, now)
    session.add(
        Post(
            chat_id=chat.id,
            message_id=message_id,
            kind="evening",
            entry_id=entry.id,
            run_id=job.claim.id,
            posted_at=now,
        )
    )
    return {"entry_id": entry.id}
