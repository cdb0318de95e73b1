"""When the chat goes quiet, stop asking and suggest time together instead (pure rules).

- Quiet: the last ``QUIET_EVENINGS`` evening prompts were not answered by both partners, or
  nobody has answered anything for ``QUIET_DAYS`` days (counted from the chat's start when
  nobody ever answered, and only once at least one prompt went out). Only what happened since
  the last activity offer counts, so after an offer the couple gets fresh evenings to answer.
- A quiet evening brings an activity suggestion instead of a question, unless a "Not now"
  cooldown is running (then questions go on as usual).
- While a suggestion waits for a choice, or a chosen activity waits for its follow-up, the
  evenings rest: no question, no new suggestion. Answering again ends the rest at once, as
  does the follow-up's answer; a rest never lasts longer than ``MAX_REST``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.library.activities import ActivityPick, Hemisphere, Region, pick_activities
from bot.library.picker import seed_for
from bot.library.schema import Activity, Library
from bot.schedule.latitude import latitude
from bot.schedule.reading import vocabulary
from bot.schedule.slots import local_instant

QUIET_EVENINGS = 3
QUIET_DAYS = 4
COOLDOWN = timedelta(days=4)
FOLLOW_UP_AFTER = timedelta(days=3)
MAX_REST = timedelta(days=7)


class Evening(StrEnum):
    """What an evening slot brings."""

    PROMPT = "prompt"
    ACTIVITY = "activity"
    REST = "rest"


@dataclass(frozen=True)
class ChatPulse:
    """Everything the rule needs about one chat, as plain values."""

    started_at: datetime
    # Newest first: when each recent evening prompt went out, and whether both answered it.
    recent: tuple[tuple[datetime, bool], ...] = ()
    evenings_posted: int = 0
    last_answer_at: datetime | None = None
    cooldown_until: datetime | None = None
    open_suggestion_at: datetime | None = None  # offered, no choice yet
    chosen_at: datetime | None = None  # chosen, follow-up not answered yet
    last_offer_at: datetime | None = None  # the last quiet-evening offer, whatever came of it


def is_quiet(pulse: ChatPulse, now: datetime) -> bool:
    """Tell whether the chat has gone quiet."""
    offer = pulse.last_offer_at
    recent = [together for posted, together in pulse.recent if offer is None or posted > offer]
    recent = recent[:QUIET_EVENINGS]
    if len(recent) == QUIET_EVENINGS and not any(recent):
        return True
    if pulse.evenings_posted == 0:
        return False
    since = max(m for m in (pulse.last_answer_at, pulse.started_at, offer) if m is not None)
    return now - since >= timedelta(days=QUIET_DAYS)


def plan_evening(pulse: ChatPulse, now: datetime) -> Evening:
    """Decide what tonight brings."""
    last = pulse.last_answer_at
    # An ignored suggestion rests as long as a "Not now" would; a chosen activity until its
    # follow-up is answered (or a week has passed).
    for waiting, limit in ((pulse.open_suggestion_at, COOLDOWN), (pulse.chosen_at, MAX_REST)):
        if waiting is not None and now - waiting < limit and not (last and last >= waiting):
            return Evening.REST
    if not is_quiet(pulse, now):
        return Evening.PROMPT
    if pulse.cooldown_until is not None and now < pulse.cooldown_until:
        return Evening.PROMPT
    return Evening.ACTIVITY


def hemisphere_of(zone: str) -> Hemisphere:
    """The hemisphere of the chat's time zone (tzdata's coordinates), for seasonal activities."""
    # Zones without a place (UTC, Etc/GMT+3) count as north, where most couples live.
    return "south" if (latitude(zone) or 0.0) < 0 else "north"


# The tropics lie within the Tropics of Cancer and Capricorn: no winter there to speak of.
TROPICS_LATITUDE = 23.44


def region_of(zone: str) -> Region:
    """Where the chat's zone lies for seasonal activities: the tropics, or a hemisphere."""
    found = latitude(zone)
    if found is not None and abs(found) < TROPICS_LATITUDE:
        return "tropics"
    return hemisphere_of(zone)


# Nothing longer than this is offered on a weekday evening (Monday to Thursday, local time):
# longer activities wait for a Friday, Saturday or Sunday evening, offered for the weekend.
LONGEST_ON_A_WEEKDAY = 4 * 60
WEEKEND_EVENINGS = frozenset({4, 5, 6})


def weekend_evening(day: date) -> bool:
    """Whether this local date's evening may offer long activities (Friday to Sunday)."""
    return day.weekday() in WEEKEND_EVENINGS


def longest_on(day: date) -> int | None:
    """The longest activity (minutes) that may be offered on this local date; None: no limit."""
    return None if weekend_evening(day) else LONGEST_ON_A_WEEKDAY


def for_the_weekend(activity: Activity) -> bool:
    """Whether an activity may take longer than a weekday evening allows (a weekend plan)."""
    return activity.minutes.high > LONGEST_ON_A_WEEKDAY


# --- What /activity narrows to, and choosing activities -------------------------------------


@dataclass(frozen=True)
class Filters:
    """What /activity narrows to (None: no filter)."""

    cost: str | None = None
    place: str | None = None
    energy: str | None = None
    max_minutes: int | None = None


# What each filter word means (reading.yaml's ``filter`` words of every language map to these).
FILTER_WORDS = {
    "free": Filters(cost="free"),
    "cheap": Filters(cost="low"),
    "home": Filters(place="home"),
    "out": Filters(place="out"),
    "calm": Filters(energy="calm"),
    "active": Filters(energy="active"),
    "short": Filters(max_minutes=30),
}


def read_filters(text: str) -> list[tuple[str, str]] | None:
    """Each filter word or phrase of an /activity argument, as typed with its meaning
    ("gratis en casa", "бесплатно вне дома"); None when one of them is no filter word."""
    words = vocabulary()
    typed = text.split()
    longest = words.longest("filter")
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(typed):
        for size in range(min(longest, len(typed) - i), 0, -1):
            phrase = " ".join(typed[i : i + size])
            meaning = words.meaning("filter", phrase)
            if meaning in FILTER_WORDS:
                found.append((phrase, meaning))
                i += size
                break
        else:
            return None
    return found


def _filter(word: str) -> Filters | None:
    meaning = vocabulary().meaning("filter", word)
    return FILTER_WORDS.get(meaning) if meaning is not None else None


def filters_from(words: list[str]) -> Filters:
    """Combine /activity words ("free home", "gratis casa") into one filter; unknown words are
    ignored."""
    merged = Filters()
    for word in words:
        found = _filter(word)
        if found is not None:
            merged = Filters(
                cost=found.cost or merged.cost,
                place=found.place or merged.place,
                energy=found.energy or merged.energy,
                max_minutes=found.max_minutes or merged.max_minutes,
            )
    return merged


def conflicting(words: list[str]) -> tuple[str, str] | None:
    """Two /activity words that ask for different things of one kind ("home out"), if any."""
    seen: dict[str, tuple[str, object]] = {}
    for word in words:
        found = _filter(word)
        if found is None:
            continue
        for name, value in vars(found).items():
            if value is None:
                continue
            first = seen.setdefault(name, (word, value))
            if first[1] != value:
                return first[0], word
    return None


class ChatTaste(Protocol):
    """What choosing activities reads about a chat."""

    id: int
    timezone: str
    picks: int
    send_minute: int
    pref_cost: str | None
    pref_place: str | None
    pref_energy: str | None
    distance: bool  # /distance on: activities that can be done apart come first


def choose(
    library: Library,
    chat: ChatTaste,
    used: list[str],
    now: datetime,
    *,
    count: int,
    filters: Filters | None = None,
) -> ActivityPick:
    """Pick activities that fit the chat's preferences (and any /activity filter)."""
    f = filters or Filters()
    today = now.astimezone(ZoneInfo(chat.timezone)).date()
    return pick_activities(
        library,
        count=count,
        used=used,
        cost=f.cost or chat.pref_cost,
        place=f.place or chat.pref_place,
        energy=f.energy or chat.pref_energy,
        max_minutes=f.max_minutes,
        longest=longest_on(today),
        season_for=today,
        hemisphere=region_of(chat.timezone),
        prefer_apart=chat.distance,
        seed=seed_for(chat.id, 1_000_000 + chat.picks + len(used)),
    )


def activity_of(library: Library, activity_id: str | None) -> Activity | None:
    """Look an activity up, tolerating one removed from the library since."""
    entry = library.get(activity_id or "")
    return entry if isinstance(entry, Activity) else None


# --- What the couple made of an offer -----------------------------------------------------


class Offer(Protocol):
    """What the rules read and write about one offer (a suggestion row)."""

    chosen_id: str | None
    chosen_at: datetime | None
    declined_at: datetime | None
    follow_up_at: datetime | None
    follow_up_message_id: int | None
    outcome: str | None
    done_at: datetime | None


class Cooling(Protocol):
    """The chat's "Not now" cooldown."""

    activity_cooldown_until: datetime | None


def follow_up_time(chat: ChatTaste, now: datetime) -> datetime:
    """A few days later, at the couple's evening time."""
    zone = ZoneInfo(chat.timezone)
    day = (now + FOLLOW_UP_AFTER).astimezone(zone).date()
    return local_instant(day, chat.send_minute, zone)


def choose_option(offer: Offer, chat: ChatTaste, activity_id: str, now: datetime) -> bool:
    """Record the couple's choice; False when one was already made."""
    if offer.chosen_id is not None or offer.declined_at is not None:
        return False
    offer.chosen_id = activity_id
    offer.chosen_at = now
    offer.follow_up_at = follow_up_time(chat, now)
    return True


def decline(offer: Offer, chat: Cooling, now: datetime) -> bool:
    """ "Not now": back off before suggesting again; False when already answered."""
    if offer.chosen_id is not None or offer.declined_at is not None:
        return False
    offer.declined_at = now
    chat.activity_cooldown_until = now + COOLDOWN
    return True


FOLLOW_UP_OUTCOMES = frozenset({"done", "not_yet", "skip"})


def answer_follow_up(offer: Offer, outcome: str, now: datetime) -> bool:
    """Record done / not yet / skip. "Not yet" asks once more a few days later."""
    if offer.outcome in ("done", "skip"):
        return False
    if outcome == "not_yet" and offer.outcome != "not_yet":
        offer.outcome = "not_yet"
        offer.follow_up_at = now + FOLLOW_UP_AFTER
        offer.follow_up_message_id = None
        return True
    offer.outcome = "skip" if outcome == "not_yet" else outcome
    offer.follow_up_at = None
    if outcome == "done":
        offer.done_at = now
    return True


# --- The offer's buttons -------------------------------------------------------------------

YES, ANOTHER, NOT_NOW = "act1:yes", "act1:another", "act:no"
_OPTION = re.compile(r"^act:(\d)$")
MAX_OPTIONS = 3


def is_offer_button(data: str) -> bool:
    """Tell whether callback data is one of the offers' buttons (and nothing else)."""
    return data in (YES, ANOTHER, NOT_NOW) or bool(_OPTION.match(data))


def option_index(data: str) -> int:
    """Which option a button picks: "Let's do this" is the only one, else ``act:<n>``."""
    match = _OPTION.match(data)
    return int(match.group(1)) if match else 0
