"""The weekly recap, sent by the tick: claim each due recap once, then post it.

A claim moves ``next_recap_at`` to next week with a conditional update, so two replicas never
send two recaps; it is committed before anything is sent. A recap is skipped (it simply waits
for next week) when it is over :data:`~bot.features.recap.rules.RECAP_LATE_LIMIT` late, while the chat is on a
break, or when the week holds too little to look back on. A 429, or a failure that surely left
nothing posted (``Outcome.NOT_SENT``: a refused connection, a connect timeout, a 5xx), hands the
claim back, so a later tick tries again until the recap is too late; one that may have been
posted (a read timeout) is not sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.features.activities import service as activities_for
from bot.features.stats import queries
from bot.features.stats.rules import Stats, compute, days_back_start, worth_a_recap
from bot.features.stats.view import recap_text
from bot.kernel.db import chats as chat_queries
from bot.kernel.db import uses
from bot.kernel.db.models import Chat
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import Outcome, classify
from bot.library.picker import ANSWERED_WINDOW_DAYS, Preferences, pick, seed_for
from bot.library.schema import Exercise, Kind
from bot.schedule.plan import after_claim, is_too_late

log = logging.getLogger(__name__)

BATCH = 200
# Fewer than this many evenings together in the week: suggest doing something rather than
# another conversation (the same idea as the quiet rule).
QUIET_WEEK = 2


@dataclass(frozen=True)
class _Recap:
    chat_id: int
    due: datetime
    moved_to: datetime | None
    text: str
    keyboard: InlineKeyboardMarkup | None


async def send_recaps(services: Services, bot: Any, *, concurrency: int = 16) -> int:
    """Send every weekly recap that is due now; return how many were posted."""
    outcomes: Counter[str] = Counter()
    retry: list[_Recap] = []
    slots = asyncio.Semaphore(concurrency)
    while True:
        now = services.clock.now()
        async with services.transaction() as session:
            due = await queries.due_recaps(session, now, BATCH)
            recaps = [
                r for chat in due if (r := await _claim(session, services, chat, now, outcomes))
            ]
        results = await asyncio.gather(*(_send(services, bot, r, slots) for r in recaps))
        for recap, result in zip(recaps, results, strict=True):
            outcomes[result] += 1
            if result == "retry":
                retry.append(recap)
        if len(due) < BATCH:
            break
    if retry:
        # Handed back only now, so this pass does not pick them straight up again.
        async with services.transaction() as session:
            for recap in retry:
                await queries.move_recap(
                    session, recap.chat_id, expected=recap.moved_to, to=recap.due
                )
    if outcomes:
        log.info("weekly recaps: %s", dict(outcomes))
    return outcomes["sent"]


async def _claim(
    session: AsyncSession, services: Services, chat: Chat, now: datetime, outcomes: Counter[str]
) -> _Recap | None:
    """Claim one chat's recap; return what to send, or None when skipped or taken."""
    due = chat.next_recap_at
    assert due is not None
    moved_to = after_claim(chat, due, now)
    if not await queries.move_recap(session, chat.id, expected=due, to=moved_to):
        outcomes["taken"] += 1
        return None
    if is_too_late(due, now):
        outcomes["late"] += 1
        return None
    if chat.paused and (chat.paused_until is None or chat.paused_until > now):
        outcomes["paused"] += 1
        return None
    zone = ZoneInfo(chat.timezone)
    evenings = await queries.evenings(session, chat.id, zone)
    stats = compute(
        evenings,
        await queries.exercises_done(session, chat.id),
        await queries.activities_done(session, chat.id),
        now,
        zone,
        since=days_back_start(due.astimezone(zone).date(), zone),
    )
    if not worth_a_recap(stats.week):
        outcomes["quiet"] += 1
        return None
    window = now - timedelta(days=ANSWERED_WINDOW_DAYS)
    together = sum(1 for e in evenings if e.together_at is not None and e.posted_at > window)
    suggestion, keyboard = await _suggestion(session, services, chat, stats, together, now)
    text = recap_text(services.texts, stats, suggestion)
    return _Recap(chat.id, due, moved_to, text, keyboard)


async def _suggestion(
    session: AsyncSession,
    services: Services,
    chat: Chat,
    stats: Stats,
    together: int,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One idea for the week ahead: an activity after a quiet week, else a guided exercise."""
    library, texts = services.library.current, services.texts
    seed = seed_for(chat.id, int(now.timestamp()) // (7 * 86400))
    offered = await activities_for.used_ids(session, chat)
    history = await uses.history(session, chat.id, answered_together=together)
    prefs = Preferences(
        max_depth=chat.max_depth,
        disabled_categories=frozenset(filter(None, chat.disabled_categories.split(","))),
    )
    exercise = pick(library, history, prefs, seed=seed, kinds=(Kind.EXERCISE,))
    try:
        # The same preferences, season and no-repeat cycle as a quiet evening's offer.
        activities = activities_for.choose(library, chat, offered, now, count=1).activities
    except ValueError:
        # A preference the library no longer knows: better no activity than no recap.
        activities = ()
    prefer_activity = stats.week.together < QUIET_WEEK
    if activities and (prefer_activity or exercise is None):
        activity = activities[0]
        text = texts.render_html(
            "stats.recap_activity", title=activity.title, description=activity.description
        )
        return text, None
    if exercise is not None and isinstance(exercise.entry, Exercise):
        entry = exercise.entry
        text = texts.render_html("stats.recap_exercise", title=entry.title, minutes=entry.minutes)
        button = InlineKeyboardButton(
            texts.render("stats.button_show_exercise"), callback_data=f"recap:ex:{entry.id}"
        )
        return text, InlineKeyboardMarkup([[button]])
    return "", None


async def _send(services: Services, bot: Any, recap: _Recap, slots: asyncio.Semaphore) -> str:
    """Post one recap; return the outcome's name."""
    async with slots:
        try:
            await bot.send_message(recap.chat_id, recap.text, reply_markup=recap.keyboard)
        except TelegramError as exc:
            error = exc
        else:
            return "sent"
    result = classify(error)
    match result.outcome:
        case Outcome.RETRY_AFTER | Outcome.NOT_SENT:
            # The claim is handed back: a later tick tries again until the recap is too late.
            return "retry"
        case Outcome.CHAT_MOVED if result.new_chat_id is not None:
            async with services.transaction() as session:
                await chat_queries.migrate_chat(session, recap.chat_id, result.new_chat_id)
                # Due again under the new id: the next tick sends it there.
                await queries.move_recap(
                    session, result.new_chat_id, expected=recap.moved_to, to=recap.due
                )
            return "migrated"
        case Outcome.CHAT_GONE:
            async with services.transaction() as session:
                await chat_queries.deactivate(session, recap.chat_id)
            return "forbidden"
        case Outcome.MAYBE_SENT:
            # It may have been posted: a second recap would be worse than a missing one.
            return "maybe_sent"
        case _:
            log.error("chat %s: Telegram refused the weekly recap: %s", recap.chat_id, error)
            return "failed"
