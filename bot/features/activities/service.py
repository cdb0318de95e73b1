"""Joint activities: offer them on quiet evenings or on demand, record choices, follow up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.activities.rules import COOLDOWN, FOLLOW_UP_AFTER
from bot.kernel.db.models import Chat, Suggestion
from bot.library.activities import ActivityPick, Hemisphere, pick_activities
from bot.library.picker import seed_for
from bot.library.schema import Activity, Library
from bot.schedule.latitude import latitude
from bot.schedule.slots import local_instant


@dataclass(frozen=True)
class Filters:
    """What /activity narrows to (None: no filter)."""

    cost: str | None = None
    place: str | None = None
    energy: str | None = None
    max_minutes: int | None = None


FILTER_WORDS = {
    "free": Filters(cost="free"),
    "cheap": Filters(cost="low"),
    "home": Filters(place="home"),
    "out": Filters(place="out"),
    "outside": Filters(place="out"),
    "calm": Filters(energy="calm"),
    "active": Filters(energy="active"),
    "short": Filters(max_minutes=30),
    "quick": Filters(max_minutes=30),
}


def filters_from(words: list[str]) -> Filters:
    """Combine /activity words ("free home") into one filter; unknown words are ignored."""
    merged = Filters()
    for word in words:
        found = FILTER_WORDS.get(word)
        if found is not None:
            merged = Filters(
                cost=found.cost or merged.cost,
                place=found.place or merged.place,
                energy=found.energy or merged.energy,
                max_minutes=found.max_minutes or merged.max_minutes,
            )
    return merged


def hemisphere_of(zone: str) -> Hemisphere:
    """Guess the hemisphere from the chat's time zone, for seasonal activities."""
    # Zones without a place (UTC, Etc/GMT+3) count as north, where most couples live.
    return "south" if (latitude(zone) or 0.0) < 0 else "north"


async def used_ids(session: AsyncSession, chat: Chat) -> list[str]:
    """Activities already offered in the chat's current activity cycle."""
    rows = await session.scalars(
        select(Suggestion.options).where(
            Suggestion.chat_id == chat.id, Suggestion.cycle == chat.activity_cycle
        )
    )
    return [entry for options in rows for entry in options.split(",") if entry]


def choose(
    library: Library,
    chat: Chat,
    used: list[str],
    now: datetime,
    *,
    count: int,
    filters: Filters | None = None,
) -> ActivityPick:
    """Pick activities that fit the chat's preferences (and any /activity filter)."""
    f = filters or Filters()
    return pick_activities(
        library,
        count=count,
        used=used,
        cost=f.cost or chat.pref_cost,
        place=f.place or chat.pref_place,
        energy=f.energy or chat.pref_energy,
        max_minutes=f.max_minutes,
        season_for=now.astimezone(ZoneInfo(chat.timezone)).date(),
        hemisphere=hemisphere_of(chat.timezone),
        seed=seed_for(chat.id, 1_000_000 + chat.picks + len(used)),
    )


def record_offer(
    session: AsyncSession,
    chat: Chat,
    offered: ActivityPick,
    *,
    message_id: int,
    source: str,
    now: datetime,
) -> Suggestion:
    """Remember what was offered in which message."""
    if offered.new_cycle:
        chat.activity_cycle += 1
    suggestion = Suggestion(
        chat_id=chat.id,
        message_id=message_id,
        source=source,
        options=",".join(a.id for a in offered.activities),
        cycle=chat.activity_cycle,
        suggested_at=now,
    )
    session.add(suggestion)
    return suggestion


async def offer_in(session: AsyncSession, chat_id: int, message_id: int) -> Suggestion | None:
    """The suggestion a button press belongs to."""
    return await session.scalar(
        select(Suggestion).where(Suggestion.chat_id == chat_id, Suggestion.message_id == message_id)
    )


def follow_up_time(chat: Chat, now: datetime) -> datetime:
    """A few days later, at the couple's evening time."""
    zone = ZoneInfo(chat.timezone)
    day = (now + FOLLOW_UP_AFTER).astimezone(zone).date()
    return local_instant(day, chat.send_minute, zone)


def choose_option(suggestion: Suggestion, chat: Chat, activity_id: str, now: datetime) -> bool:
    """Record the couple's choice; False when one was already made."""
    if suggestion.chosen_id is not None or suggestion.declined_at is not None:
        return False
    suggestion.chosen_id = activity_id
    suggestion.chosen_at = now
    suggestion.follow_up_at = follow_up_time(chat, now)
    return True


def decline(suggestion: Suggestion, chat: Chat, now: datetime) -> bool:
    """ "Not now": back off before suggesting again; False when already answered."""
    if suggestion.chosen_id is not None or suggestion.declined_at is not None:
        return False
    suggestion.declined_at = now
    chat.activity_cooldown_until = now + COOLDOWN
    return True


async def claim_follow_ups(session: AsyncSession, now: datetime, limit: int = 200) -> list[int]:
    """Take the follow-ups that are due; each is claimed once, whatever the replicas."""
    ids = list(
        (
            await session.scalars(
                select(Suggestion.id)
                .where(Suggestion.follow_up_at <= now, Suggestion.follow_up_message_id.is_(None))
                .order_by(Suggestion.follow_up_at)
                .limit(limit)
            )
        ).all()
    )
    claimed = []
    for suggestion_id in ids:
        # A sentinel id marks "being sent"; the conditional update is the lock.
        result = await session.execute(
            update(Suggestion)
            .where(Suggestion.id == suggestion_id, Suggestion.follow_up_message_id.is_(None))
            .values(follow_up_message_id=0)
        )
        if getattr(result, "rowcount", 0) == 1:
            claimed.append(suggestion_id)
    return claimed


async def follow_up_in(session: AsyncSession, chat_id: int, message_id: int) -> Suggestion | None:
    """The suggestion a follow-up button belongs to."""
    return await session.scalar(
        select(Suggestion).where(
            Suggestion.chat_id == chat_id, Suggestion.follow_up_message_id == message_id
        )
    )


def answer_follow_up(suggestion: Suggestion, outcome: str, now: datetime) -> bool:
    """Record done / not yet / skip. "Not yet" asks once more a few days later."""
    if suggestion.outcome in ("done", "skip"):
        return False
    if outcome == "not_yet" and suggestion.outcome != "not_yet":
        suggestion.outcome = "not_yet"
        suggestion.follow_up_at = now + FOLLOW_UP_AFTER
        suggestion.follow_up_message_id = None
        return True
    suggestion.outcome = "skip" if outcome == "not_yet" else outcome
    suggestion.follow_up_at = None
    if outcome == "done":
        suggestion.done_at = now
    return True


def activity_of(library: Library, activity_id: str | None) -> Activity | None:
    """Look an activity up, tolerating one removed from the library since."""
    entry = library.get(activity_id or "")
    return entry if isinstance(entry, Activity) else None
