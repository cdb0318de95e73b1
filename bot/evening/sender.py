"""The sender: claim due runs with a lease, post each prompt once, record what happened.

Outcomes, by what Telegram answered:
- sent: the message id is stored with the run, the post and the library use.
- 429 RetryAfter: back to pending, not before ``now + retry_after``.
- 5xx, connection failures, connect timeouts: back to pending with backoff, at most
  ``MAX_ATTEMPTS`` tries, then failed.
- read timeout: the request reached Telegram and may have been posted; ``sendMessage`` has no
  idempotency key, so it is recorded as ``maybe_sent`` and never blindly sent again.
- 403: the bot was removed or blocked; the chat is deactivated.
- group migrated: the chat's data moves to the new id and the run is retried there at once.
A sender killed mid-batch leaves its runs in ``sending``; when the lease expires another sender
takes them over and sends them (``recovered``). Only the few that were in flight at the moment
of the kill can be doubled; they are counted as ``recovered`` in the logs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut

from bot import activities
from bot.evening.compose import entry_text, evening_keyboard, quiet_offer
from bot.library.activities import ActivityPick
from bot.library.picker import History, Pick, Preferences, pick, seed_for
from bot.library.schema import Kind, Prompt
from bot.quiet import Evening, plan_evening
from bot.ratelimit import NO_RETRIES
from bot.services import Services
from bot.storage import chats as chat_queries
from bot.storage import runs, uses
from bot.storage.models import Chat, Post
from bot.storage.pulse import pulses

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


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
        rate_limited: bool = True,
    ) -> None:
        self.services = services
        self.bot = bot
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self.batch = batch
        self.lease = lease
        self._slots = asyncio.Semaphore(concurrency)
        self._stopping = False
        # With PTB's rate limiter on, 429s come back to us instead of being retried in place.
        self._send_kwargs: dict[str, Any] = {"rate_limit_args": NO_RETRIES} if rate_limited else {}

    def stop(self) -> None:
        """Stop claiming; runs already claimed but not yet sent are handed back."""
        self._stopping = True

    async def send_due(self) -> SendResult:
        """Send everything due now, batch by batch, until nothing is left or we are stopping."""
        result = SendResult()
        while not self._stopping:
            now = self.services.clock.now()
            async with self.services.transaction() as session:
                claimed = await runs.claim_runs(
                    session, now, owner=self.owner, lease=self.lease, limit=self.batch
                )
            if not claimed:
                break
            jobs = await self._prepare(claimed)
            outcomes = await asyncio.gather(*(self._send(job) for job in jobs))
            await self._record(jobs, outcomes, result)
        return result

    async def _prepare(self, claimed: list[runs.Claimed]) -> list[_Job]:
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
                jobs.append(_Job(claim, None))
                continue
            plan = plan_evening(pulse_of[chat.id], now)
            if plan == Evening.ACTIVITY:
                offer = activities.choose(library, chat, used_activities[chat.id], now, count=3)
                if offer.activities:
                    jobs.append(_Job(claim, chat, plan, offer=offer))
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
            jobs.append(_Job(claim, chat, plan, pick=chosen))
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
            text, keyboard = entry_text(texts, entry), evening_keyboard(texts)
        else:
            return _Outcome("failed", reason="empty_library")
        async with self._slots:
            if self._stopping:
                return _Outcome("released")
            try:
                message = await self.bot.send_message(
                    job.chat.id, text, reply_markup=keyboard, **self._send_kwargs
                )
            except RetryAfter as exc:
                delay = exc.retry_after
                seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
                return _Outcome("retry", delay=seconds)
            except ChatMigrated as exc:
                return _Outcome("migrated", new_chat_id=exc.new_chat_id)
            except Forbidden:
                return _Outcome("forbidden", reason="forbidden")
            except TimedOut as exc:
                if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):
                    return _Outcome("transient", reason="connect_timeout")
                return _Outcome("maybe_sent", reason="read_timeout")
            except BadRequest as exc:
                log.error("chat %s: Telegram refused the evening prompt: %s", job.chat.id, exc)
                return _Outcome("failed", reason="bad_request")
            except TelegramError as exc:
                return _Outcome("transient", reason=type(exc).__name__[:32])
            return _Outcome("sent", message_id=message.message_id)

    async def _record(self, jobs: list[_Job], outcomes: list[_Outcome], result: SendResult) -> None:
        now = self.services.clock.now()
        changes: list[dict[str, Any]] = []
        released: list[int] = []
        async with self.services.transaction() as session:
            for job, outcome in zip(jobs, outcomes, strict=True):
                claim = job.claim
                result.outcomes[outcome.kind] += 1
                if claim.recovered:
                    result.outcomes["recovered"] += 1
                if outcome.kind == "released":
                    released.append(claim.id)
                    continue
                change: dict[str, Any] = {"id": claim.id, "lease_owner": None, "lease_until": None}
                if outcome.kind == "sent":
                    change.update(status=runs.SENT, message_id=outcome.message_id, sent_at=now)
                    change.update(await _record_post(session, job, outcome.message_id or 0, now))
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
            await runs.finish(session, changes)
            await runs.release(session, released, self.owner)
        if result.outcomes["maybe_sent"] or result.outcomes["recovered"]:
            log.warning(
                "evening prompts with an uncertain first attempt: %d read timeouts (not re-sent), "
                "%d taken over from a stopped sender",
                result.outcomes["maybe_sent"],
                result.outcomes["recovered"],
            )


async def _record_post(
    session: AsyncSession, job: _Job, message_id: int, now: datetime
) -> dict[str, Any]:
    """Remember the post (for answers) or the offer, and the library use; return run changes."""
    assert job.chat is not None
    chat = await session.get(Chat, job.chat.id)
    if chat is None:
        return {}
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
