"""Looking back: /stats, /recap's settings, and the weekly recap's drafts for the job."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.features.activities import service as activities
from bot.features.looking_back import queries
from bot.features.looking_back.rules import (
    Calendar,
    RecapChoice,
    Stats,
    apply_recap,
    calendar,
    calendar_start,
    compute,
    days_back_start,
    prefers_activity,
    worth_a_recap,
)
from bot.kernel.actor import Actor
from bot.kernel.db import chats as chat_queries
from bot.kernel.db import uses
from bot.kernel.db.members import may_change
from bot.kernel.db.models import Chat
from bot.kernel.services import Services, Session
from bot.library.activities import ActivityPick
from bot.library.picker import ANSWERED_WINDOW_DAYS, pick, seed_for
from bot.library.schema import Exercise, Kind
from bot.schedule.plan import after_claim, is_too_late, next_recap


@dataclass(frozen=True)
class Overview:
    """What /stats shows: the figures and the last weeks' calendar."""

    chat_id: int
    stats: Stats
    calendar: Calendar


async def figures(services: Services, actor: Actor) -> Overview:
    """This week's and all-time figures of the actor's chat, with its calendar."""
    async with services.meeting(actor) as met:
        chat = met.chat
        assert chat is not None
        stats = await chat_figures(met.session, chat.id, chat.timezone, met.now)
        return Overview(chat.id, stats, await chat_calendar(met.session, chat, met.now))


async def picture(services: Services, chat_id: int, calendar: Calendar) -> bytes | None:
    """The calendar as a PNG (cached per chat and day); None when there is nothing to show or
    it cannot be drawn: the words then go out alone."""
    if not calendar.worth_a_picture:
        return None
    return await services.pictures.calendar(
        chat_id, calendar.today, calendar.squares, calendar.today_index
    )


async def chat_calendar(session: Session, chat: Chat, now: datetime) -> Calendar:
    """The chat's last weeks, one square an evening, up to today in its zone."""
    today = now.astimezone(ZoneInfo(chat.timezone)).date()
    days = await queries.evening_days(session, chat.id, calendar_start(today))
    return calendar(days, today, days_mask=chat.days, skip=chat.skip_date)


async def chat_figures(
    session: Session, chat_id: int, zone_name: str, now: datetime, *, since: datetime | None = None
) -> Stats:
    """A chat's figures inside the caller's transaction (the recap's, for one)."""
    zone = ZoneInfo(zone_name)
    return compute(
        await queries.evenings(session, chat_id, zone),
        await queries.exercises_done(session, chat_id),
        await queries.activities_done(session, chat_id),
        now,
        zone,
        since=since,
    )


@dataclass(frozen=True)
class RecapSettings:
    """The recap's settings as plain values, with when the next one comes (None: off)."""

    enabled: bool
    weekday: int
    next_at: datetime | None
    zone: str
    now: datetime


@dataclass(frozen=True)
class RecapAnswer:
    """What /recap did: refused (a guest changing it), or the settings after it."""

    allowed: bool
    changed: bool = False
    settings: RecapSettings | None = None


async def recap(services: Services, actor: Actor, choice: RecapChoice) -> RecapAnswer:
    """Show the recap's settings, or change them when the member may."""
    async with services.meeting(actor) as met:
        chat = met.chat
        assert chat is not None
        changing = choice.enabled is not None
        if changing:
            if not await may_change(met, actor):
                return RecapAnswer(allowed=False)
            at = apply_recap(chat, choice, met.now)
        else:
            at = chat.next_recap_at or next_recap(chat, met.now)
        settings = RecapSettings(
            enabled=chat.recap_enabled and at is not None,
            weekday=chat.recap_weekday,
            next_at=at,
            zone=chat.timezone,
            now=met.now,
        )
        return RecapAnswer(allowed=True, changed=changing, settings=settings)


async def is_partner(services: Services, actor: Actor) -> bool:
    """Tell whether the member is one of the couple (only they act on the recap's buttons)."""
    async with services.meeting(actor) as met:
        return met.chat is not None and met.partner is not None


# --- The weekly recap, for the job -----------------------------------------------------------

BATCH = 200


@dataclass(frozen=True)
class Idea:
    """The recap's idea for the week ahead: an activity, or a guided exercise to show."""

    title: str
    description: str = ""
    minutes: int = 0
    exercise_id: str | None = None  # set for an exercise, which gets a "Show us" button


@dataclass(frozen=True)
class Draft:
    """A claimed recap, ready to render: the week's figures and one idea."""

    chat_id: int
    due: datetime
    moved_to: datetime | None
    stats: Stats
    idea: Idea | None
    calendar: Calendar
    # A quiet evening's activity offer, carried by the recap instead of sent on its own.
    offer: ActivityPick | None = None
    language: str = "en"  # the chat's


async def claim_recaps(services: Services, outcomes: Counter[str]) -> tuple[list[Draft], bool]:
    """Claim a batch of due recaps (each once, whatever the replicas); True when more may wait.

    A claim moves ``next_recap_at`` on to next week; recaps too late, paused or with too little
    to look back on are counted in ``outcomes`` and skipped.
    """
    now = services.clock.now()
    async with services.transaction() as session:
        due = await queries.due_recaps(session, now, BATCH)
        drafts = []
        for chat in due:
            draft = await _claim(session, services, chat, now, outcomes)
            if draft is not None:
                drafts.append(draft)
    return drafts, len(due) == BATCH


async def _claim(
    session: Session, services: Services, chat: Chat, now: datetime, outcomes: Counter[str]
) -> Draft | None:
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
    # Tonight's evening slot left its quiet-evening offer to the recap (evening.service).
    tonight, _ = await activities.evenings(session, [chat], now, services.library.current)
    offer = tonight[chat.id].offer
    if not worth_a_recap(stats.week) and offer is None:
        outcomes["quiet"] += 1
        return None
    cal = await chat_calendar(session, chat, now)
    if offer is not None:
        return Draft(chat.id, due, moved_to, stats, None, cal, offer, chat.language)
    window = now - timedelta(days=ANSWERED_WINDOW_DAYS)
    together = sum(1 for e in evenings if e.together_at is not None and e.posted_at > window)
    idea = await _idea(session, services, chat, stats, together, now)
    return Draft(chat.id, due, moved_to, stats, idea, cal, language=chat.language)


async def _idea(
    session: Session, services: Services, chat: Chat, stats: Stats, together: int, now: datetime
) -> Idea | None:
    """One idea for the week ahead: an activity after a quiet week, else a guided exercise."""
    library = services.library.current
    seed = seed_for(chat.id, int(now.timestamp()) // (7 * 86400))
    history = await uses.history(session, chat.id, answered_together=together)
    exercise = pick(
        library, history, uses.preferences_of(chat, now), seed=seed, kinds=(Kind.EXERCISE,)
    )
    # The same preferences, season and no-repeat cycle as a quiet evening's offer.
    activity = await activities.idea_for_the_week(session, chat, now, library)
    # Picked from the library in use, shown in the chat's language.
    if activity is not None and (prefers_activity(stats.week.together) or exercise is None):
        activity = services.in_language(activity, chat.language)
        return Idea(activity.title, description=activity.description)
    if exercise is not None and isinstance(exercise.entry, Exercise):
        entry = services.in_language(exercise.entry, chat.language)
        return Idea(entry.title, minutes=entry.minutes, exercise_id=entry.id)
    return None


async def offer_posted(services: Services, draft: Draft, message_id: int) -> None:
    """Remember the offer a recap carried, so its buttons and follow-up work as an evening's."""
    if draft.offer is None:
        return
    async with services.transaction() as session:
        chat = await chat_queries.get_chat(session, draft.chat_id)
        if chat is not None:
            activities.record_offer(
                session,
                chat,
                draft.offer,
                message_id=message_id,
                source="evening",
                now=services.clock.now(),
            )


async def hand_back(services: Services, drafts: list[Draft]) -> None:
    """Give claims back (a 429 or a send that never left): a later tick tries again."""
    async with services.transaction() as session:
        for draft in drafts:
            await queries.move_recap(session, draft.chat_id, expected=draft.moved_to, to=draft.due)


async def chat_moved(services: Services, draft: Draft, new_chat_id: int) -> None:
    """Follow a group that became a supergroup; its recap is due again under the new id."""
    async with services.transaction() as session:
        await chat_queries.migrate_chat(session, draft.chat_id, new_chat_id)
        await queries.move_recap(session, new_chat_id, expected=draft.moved_to, to=draft.due)


async def chat_gone(services: Services, chat_id: int) -> None:
    """The bot was removed or blocked: nothing more goes to the chat."""
    async with services.transaction() as session:
        await chat_queries.deactivate(session, chat_id)
