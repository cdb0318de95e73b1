"""The evening's job, the sender: claim due runs with a lease, post each once, record it.

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

Each run has its moment in its crowd's schedule (``not_before``, set by the planner): the
sender claims runs a moment ahead (``CLAIM_AHEAD``), sends each at its moment, and, while runs
come due before the next tick (``follow``), waits for them instead of leaving them a whole tick.
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

from telegram.error import TelegramError

from bot.features.activities.service import Evening
from bot.features.activities.view import quiet_offer
from bot.features.evening import service
from bot.features.evening.service import Prepared, Sent
from bot.kernel.db.engine import DatabaseBusy
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import Classified, Outcome, classify
from bot.kernel.telegram.posts import (
    evening_keyboard,
    exercise_evening_keyboard,
    with_private_button,
)
from bot.kernel.telegram.ratelimit import NO_RETRIES
from bot.library.render import entry_text, exercise_evening_text
from bot.library.schema import Exercise, Mode, Prompt, done_together

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3
LINGER = 0.02  # seconds the writer waits for more outcomes before a write
# Runs are claimed this far ahead of their moment, so a batch is ready when its time comes.
CLAIM_AHEAD = timedelta(seconds=2)
# A send waits for its moment only when that is at least this far off (no sleeps of a tick).
PUNCTUAL = timedelta(milliseconds=20)
# The shortest wait for the next run, so a run another sender holds never makes us spin.
IDLE = timedelta(milliseconds=50)


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
    prepared: Prepared
    # Start no send after this: its answer might then come after the lease ran out.
    send_by: datetime | None = None

    @property
    def chat_id(self) -> int:
        return self.prepared.claim.chat_id

    @property
    def not_before(self) -> datetime:
        return self.prepared.claim.not_before


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
        paid: bool = False,
        follow: timedelta = timedelta(0),
    ) -> None:
        self.services = services
        self.bot = bot
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self.batch = batch
        self.lease = lease
        # Room for the slowest answer (the request timeout) and for writing it down.
        self._margin = min(lease / 2, timedelta(seconds=send_timeout + 5))
        self._slots = asyncio.Semaphore(concurrency)  # shared by overlapping passes
        # By (language, prompt mode, "We called", the chat's /private setting), this pass.
        self._keyboards: dict[tuple[str, Mode | None, bool, str], Any] = {}
        self._rendered: dict[tuple[str, str], str] = {}  # (language, entry id) -> its message
        self._stopping = False
        self._stopped = asyncio.Event()  # wakes a sender waiting for its next run
        # With PTB's rate limiter on, 429s come back to us instead of being retried in place.
        self._send_kwargs: dict[str, Any] = {"rate_limit_args": NO_RETRIES} if rate_limited else {}
        if paid:
            # Telegram's paid ceiling (1,000 a second) instead of ~30, for Stars: PAID_BROADCAST.
            self._send_kwargs["allow_paid_broadcast"] = True
        # A pass keeps sending runs due this long after it began (until the next tick).
        self.follow = follow

    def stop(self) -> None:
        """Stop claiming; runs already claimed but not yet sent are handed back."""
        self._stopping = True
        self._stopped.set()

    async def send_due(self) -> SendResult:
        """Send everything due now, until nothing is left or we are stopping.

        Sends keep ``concurrency`` requests in flight across batches: the next batch is claimed
        and prepared while the last sends of the previous one are still out, and a background
        writer records outcomes as they arrive.
        """
        result = SendResult()
        # One keyboard, and one rendering of each prompt, for the whole pass: at 1,000 posts/s
        # building them again for every chat is a measurable share of the CPU.
        self._keyboards.clear()
        self._rendered.clear()
        recorder = _Recorder(lambda done: self._record(done, result))
        sending: set[asyncio.Task[None]] = set()

        async def send(job: _Job) -> None:
            try:
                outcome = await self._send(job)
            except Exception:
                # A bug, not Telegram: retry a few times (MAX_ATTEMPTS) rather than lose the run.
                log.exception("chat %s: the evening prompt could not be sent", job.chat_id)
                outcome = Sent("transient", reason="error")
            finally:
                self._slots.release()
            recorder.add(job, outcome)

        follow_until = self.services.clock.now() + self.follow
        claiming: asyncio.Task[list[_Job]] | None = asyncio.create_task(self._claim())
        try:
            while claiming is not None:
                jobs = await claiming
                claiming = None
                if self._stopping or recorder.failed:
                    # What cannot be written down must not be sent: hand the batch back.
                    for job in jobs:
                        recorder.add(job, Sent("released"))
                    break
                if not jobs:
                    if sending or not recorder.drained:
                        # Outcomes still coming in may put runs back for now (a migrated
                        # group): let them land, then look once more.
                        if sending:
                            await asyncio.wait(sending)
                        await recorder.flush()
                    elif not await self._wait_for_next(follow_until):
                        break
                    claiming = asyncio.create_task(self._claim())
                    continue
                # Claim and prepare the next batch while this one goes out: at once when a full
                # batch says more are due already, else halfway through this one (a crowd's
                # schedule then takes a claim a second or so, not one a message, and the next
                # batch is ready before this one ends).
                full = len(jobs) >= self.batch
                claiming = asyncio.create_task(self._claim()) if full else None
                for index, job in enumerate(jobs):
                    await self._slots.acquire()
                    if recorder.failed:
                        # The rest of the batch stays claimed, unsent, until its lease ends.
                        self._slots.release()
                        break
                    await self._wait_for(job.not_before)
                    if claiming is None and index >= len(jobs) // 2:
                        claiming = asyncio.create_task(self._claim())
                    task = asyncio.create_task(send(job))
                    sending.add(task)
                    task.add_done_callback(sending.discard)
                if claiming is None:
                    claiming = asyncio.create_task(self._claim())
        finally:
            if sending:
                await asyncio.wait(sending)
            if claiming is not None:
                # A batch claimed as we failed goes straight back. Its error, if it has one,
                # is the one already propagating.
                with contextlib.suppress(Exception):
                    for job in await claiming:
                        recorder.add(job, Sent("released"))
            await recorder.close()
        self._report(result)
        return result

    async def _sleep_until(self, moment: datetime) -> None:
        """Wait for ``moment`` on the services' clock, or until we are stopping."""
        sleep = asyncio.ensure_future(self.services.clock.sleep_until(moment))
        stopped = asyncio.ensure_future(self._stopped.wait())
        await asyncio.wait({sleep, stopped}, return_when=asyncio.FIRST_COMPLETED)
        sleep.cancel()
        stopped.cancel()

    async def _wait_for(self, moment: datetime) -> None:
        """Hold a send until its moment in the crowd's schedule."""
        if moment - self.services.clock.now() >= PUNCTUAL and not self._stopping:
            await self._sleep_until(moment)

    async def _wait_for_next(self, until: datetime) -> bool:
        """Wait until the next pending run can be claimed, if it is due by ``until``."""
        if self._stopping:
            return False
        due = await service.next_due(self.services)
        if due is None or due > until:
            return False
        await self._sleep_until(max(due - CLAIM_AHEAD, self.services.clock.now() + IDLE))
        return not self._stopping

    async def _claim(self) -> list[_Job]:
        """Take the next batch of runs due now or in a moment, and get each one's message ready."""
        if self._stopping:
            return []
        now = self.services.clock.now()
        claimed = await service.claim(
            self.services, owner=self.owner, lease=self.lease, limit=self.batch, ahead=CLAIM_AHEAD
        )
        if not claimed:
            return []
        send_by = now + self.lease - self._margin
        return [_Job(p, send_by) for p in await service.prepare(self.services, claimed)]

    async def _send(self, job: _Job) -> Sent:
        prepared = job.prepared
        if not prepared.active:
            return Sent("failed", reason="inactive")
        if prepared.plan == Evening.REST:
            return Sent("rest", reason="resting")
        if prepared.in_recap:
            return Sent("in_recap")
        language = prepared.language
        if prepared.offer is not None:
            shown = tuple(self.services.in_language(a, language) for a in prepared.offer.activities)
            text, keyboard = quiet_offer(
                self.services.words_for(language), shown, apart=prepared.apart
            )
        elif prepared.pick is not None:
            entry = prepared.pick.entry
            text, keyboard = self._rendered_post(
                entry, language, apart=prepared.apart, private_mode=prepared.private_mode
            )
        else:
            return Sent("failed", reason="empty_library")
        if self._stopping or (job.send_by is not None and self.services.clock.now() > job.send_by):
            return Sent("released")
        try:
            message = await self.bot.send_message(
                job.chat_id, text, reply_markup=keyboard, **self._send_kwargs
            )
        except TelegramError as exc:
            return self._failed(job.chat_id, classify(exc), exc)
        return Sent("sent", message_id=message.message_id, at=self.services.clock.now())

    def _rendered_post(
        self,
        entry: Prompt | Exercise,
        language: str,
        *,
        apart: bool = False,
        private_mode: str = "on",
    ) -> tuple[str, Any]:
        """An evening's text and buttons in the chat's language: a prompt by its mode, "We
        called" or "We talked in person", and the chat's /private setting; or an exercise
        evening's post (done together: no private answers)."""
        texts = self.services.words_for(language)
        rendered = self._rendered.get((language, entry.id))
        if isinstance(entry, Exercise):
            if rendered is None:
                shown = self.services.in_language(entry, language)
                rendered = exercise_evening_text(texts, shown)
                self._rendered[language, entry.id] = rendered
            return rendered, exercise_evening_keyboard(texts)
        if rendered is None:
            shown_prompt = self.services.in_language(entry, language)
            rendered = self._rendered[language, entry.id] = entry_text(texts, shown_prompt)
        key = (language, entry.mode, apart, private_mode)
        keyboard = self._keyboards.get(key)
        if keyboard is None:
            plain = evening_keyboard(texts, entry.mode, apart=apart)
            together = done_together(entry)
            keyboard = with_private_button(plain, texts, private_mode, done_together=together)
            self._keyboards[key] = keyboard
        return rendered, keyboard

    @staticmethod
    def _failed(chat_id: int, result: Classified, exc: TelegramError) -> Sent:
        """This sender's policy for a send that did not go through."""
        match result.outcome:
            case Outcome.RETRY_AFTER:
                return Sent("retry", delay=result.retry_after or 0.0)
            case Outcome.CHAT_MOVED:
                return Sent("migrated", new_chat_id=result.new_chat_id)
            case Outcome.CHAT_GONE:
                return Sent("forbidden", reason="forbidden")
            case Outcome.MAYBE_SENT:
                # No idempotency key: a second prompt would be worse than a missing one.
                return Sent("maybe_sent", reason=result.reason)
            case Outcome.REFUSED:
                log.error("chat %s: Telegram refused the evening prompt: %s", chat_id, exc)
                return Sent("failed", reason=result.reason)
            case _:
                return Sent("transient", reason=result.reason)

    async def _record(self, done: list[tuple[_Job, Sent]], result: SendResult) -> None:
        await service.record(
            self.services, [(job.prepared, sent) for job, sent in done], self.owner
        )
        # Counted once written: a write that failed and is tried again must not count twice.
        for job, outcome in done:
            result.outcomes[outcome.kind] += 1
            self.services.metrics.evening_send(
                outcome.kind,
                due_at=job.prepared.claim.due_at,
                now=self.services.clock.now(),
                offer=job.prepared.offer is not None,
            )
            if job.prepared.claim.recovered:
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

    def __init__(self, write: Callable[[list[tuple[_Job, Sent]]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[_Job, Sent]] = []
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

    def add(self, job: _Job, outcome: Sent) -> None:
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

    async def _write_with_retries(self, done: list[tuple[_Job, Sent]]) -> None:
        # Posts that were sent but not written down are posted again once their lease runs
        # out: a locked database or a dropped connection is worth a few more tries first.
        for attempt in range(WRITE_ATTEMPTS):
            try:
                await self._write(done)
                return
            except DatabaseBusy:
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
