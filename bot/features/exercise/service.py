"""/exercise use cases: pick an entry now, remember its post, and its two buttons; exercise
evenings: tonight's exercise, /exercises, and walking through the steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.features.answers import service as answers
from bot.features.exercise import queries, rules
from bot.features.exercise.rules import EveningsChoice
from bot.kernel.actor import Actor
from bot.kernel.db import uses
from bot.kernel.db.members import may_change
from bot.kernel.db.models import Chat
from bot.kernel.services import Services, Session
from bot.library.picker import History, Pick, pick, seed_for
from bot.library.schema import Category, Exercise, Library, Prompt


@dataclass(frozen=True)
class Limited:
    """Refused for now; ``key`` names the friendly explanation."""

    key: str


@dataclass(frozen=True)
class Pressed:
    """What a button press did: refused (``key``), done (``first`` time or not), or a new pick."""

    key: str | None = None
    done: bool = False
    first: bool = False
    entry: Prompt | Exercise | None = None
    limited: Limited | None = None


async def choose(services: Services, actor: Actor, category: Category | None) -> Pick | Limited:
    """Pick an entry for a new /exercise post, unless the chat asked for many just now."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        if rules.too_many_posts(
            await queries.recent_posts(met.session, met.chat.id, met.now - rules.WINDOW)
        ):
            return Limited("exercise.too_many")
        return await _pick(met.session, met.chat, services.library.current, category, met.now)


async def _pick(
    session: Session, chat: Chat, library: Library, category: Category | None, now: datetime
) -> Pick | Limited:
    history = await uses.history(session, chat.id)
    chosen = pick(
        library,
        history,
        uses.preferences_of(chat, now),
        seed=seed_for(chat.id, chat.picks),
        kinds=rules.KINDS,
        category=category,
    )
    return chosen if chosen is not None else Limited("exercise.empty")


async def record(
    services: Services, chat_id: int, chosen: Pick, message_id: int, category: Category | None
) -> None:
    """Remember a posted entry (after the send, so no lock is held while Telegram answers)."""
    now = services.clock.now()
    async with services.transaction() as session:
        chat = await session.get(Chat, chat_id)
        if chat is None:
            return
        uses.record_pick(session, chat, chosen, now)
        category_id = category.value if category else None
        queries.add_post(session, chat.id, chosen.entry.id, message_id, category_id, now)


async def press(services: Services, actor: Actor, message_id: int, action: str) -> Pressed:
    """ "We did this" (``done``) or "Another one" (``another``) on an /exercise post."""
    library = services.library.current
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return Pressed(key="exercise.only_couple")
        post = await queries.find_post(met.session, met.chat.id, message_id)
        if post is None:
            return Pressed(key="exercise.gone")
        if action == "done":
            first = post.done_at is None
            post.done_at = post.done_at or met.now
            # Done together counts as answered together, as "We talked in person" does.
            await answers.in_person(met.session, met.chat.id, message_id, met.now)
            entry = library.get(post.entry_id or "")
            talk = entry if isinstance(entry, Prompt | Exercise) else None
            return Pressed(done=True, first=first, entry=talk)
        refused = rules.refresh_refused(
            post.refreshes, post.refreshed_at or post.posted_at, met.now
        )
        if refused is not None:
            return Pressed(limited=Limited(refused))
        category = Category(post.category) if post.category else None
        chosen = await _pick(met.session, met.chat, library, category, met.now)
        if isinstance(chosen, Limited):
            return Pressed(limited=chosen)
        uses.record_pick(met.session, met.chat, chosen, met.now)
        post.entry_id = chosen.entry.id
        post.refreshes += 1
        post.refreshed_at = met.now
        assert isinstance(chosen.entry, Prompt | Exercise)
        return Pressed(entry=chosen.entry)


# --- Exercise evenings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EveningSlot:
    """A claimed evening run that may be an exercise evening (``key``: the caller's run id)."""

    key: int
    chat: Chat
    local_date: date
    history: History


async def exercise_evenings(
    session: Session, slots: Sequence[EveningSlot], library: Library, now: datetime
) -> dict[int, Pick]:
    """Tonight's exercise for each slot that falls on its chat's exercise evening, by key.

    A slot missing from the answer brings a question as usual (not its exercise evening, or
    no exercise is eligible).
    """
    due = [
        s
        for s in slots
        if rules.is_exercise_evening(
            s.chat.exercise_evenings, s.chat.exercise_weekday, s.local_date
        )
    ]
    if not due:
        return {}
    used = await queries.exercise_uses(session, sorted({s.chat.id for s in due}))
    chosen: dict[int, Pick] = {}
    for slot in due:
        found = rules.evening_exercise(
            library,
            slot.history,
            uses.preferences_of(slot.chat, now),
            seed=seed_for(slot.chat.id, slot.chat.picks),
            used=used.get(slot.chat.id, []),
        )
        if found is not None:
            chosen[slot.key] = found
    return chosen


@dataclass(frozen=True)
class Evenings:
    """A chat's exercise evenings after /exercises: on or off, the weekday, and whether its
    /days leave that weekday without an evening post (``allowed`` False: a guest's change,
    refused)."""

    enabled: bool
    weekday: int
    day_off: bool
    allowed: bool = True


async def evenings(services: Services, actor: Actor, choice: EveningsChoice) -> Evenings:
    """Show the chat's exercise evenings, or change them when the member may (not a guest)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        chat = met.chat
        if choice != EveningsChoice():
            if not await may_change(met, actor):
                return Evenings(chat.exercise_evenings, chat.exercise_weekday, False, False)
            rules.apply_evenings(chat, choice)
        return Evenings(
            enabled=chat.exercise_evenings,
            weekday=chat.exercise_weekday,
            day_off=rules.weekday_has_no_evening(chat.days, chat.exercise_weekday),
        )


@dataclass(frozen=True)
class Step:
    """What a "Start"/"Next step" press shows: a refusal (``key``), or step ``number``."""

    key: str | None = None
    entry: Exercise | None = None
    number: int = 0


async def walk(services: Services, actor: Actor, message_id: int, number: int) -> Step:
    """Show step ``number`` of an exercise evening's exercise; either partner may press."""
    library = services.library.current
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return Step(key="exercise.only_couple")
        post = await queries.evening_post(met.session, met.chat.id, message_id)
        entry = library.get(post.entry_id or "") if post is not None else None
        superseded = post is not None and await queries.newer_evening(
            met.session, met.chat.id, post.posted_at
        )
        refused = rules.step_refused(
            entry,
            number,
            together=post is not None and post.together_at is not None,
            superseded=superseded,
        )
        if refused is not None or not isinstance(entry, Exercise):
            return Step(key=refused or "exercise.evening_gone")
        return Step(entry=entry, number=number)
