"""/exercise's pure rules: topics as people type them, and the limits that keep a chat calm."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.library.picker import History, Pick, Preferences, pick
from bot.library.schema import Category, Exercise, Kind, Library, category_name
from bot.schedule.parse import Problem, echo, parse_days
from bot.schedule.reading import fold, vocabulary
from bot.texts import Texts

# At most this many /exercise posts per chat in the window; "Another one" edits in place.
WINDOW = timedelta(minutes=10)
MAX_POSTS_PER_WINDOW = 5
MIN_REFRESH_GAP = timedelta(seconds=2)
MAX_REFRESHES = 10
KINDS = (Kind.PROMPT, Kind.EXERCISE)


def find_category(text: str, texts: Texts) -> Category | None:
    """Match a typed topic against category ids, names and every language's words for it
    ("dreams", "Daily life", "fun", "sueños", "быт"); a start of three letters is enough."""
    wanted = _plain(text)
    if not wanted:
        return None
    words = vocabulary()
    for category in Category:
        spellings = (category.value, category_name(texts, category))
        names = {_plain(s) for s in (*spellings, *words.spellings("topic", category.value))}
        if wanted in names or any(name.startswith(wanted) for name in names if len(wanted) >= 3):
            return category
    return None


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold(text.replace("&", " and "))).split())


def category_list(language: str = "en") -> str:
    """The topics, as people can type them in a language."""
    words = vocabulary()
    return ", ".join(words.word_in(language, "topic", category.value) for category in Category)


def too_many_posts(recent_posts: int) -> bool:
    """Tell whether the chat asked for enough /exercise posts in the window already."""
    return recent_posts >= MAX_POSTS_PER_WINDOW


def refresh_refused(refreshes: int, last: datetime, now: datetime) -> str | None:
    """Why "Another one" is refused right now (a template key), or None when it may go ahead."""
    if refreshes >= MAX_REFRESHES:
        return "exercise.refresh_limit"
    if now - last < MIN_REFRESH_GAP:
        return "exercise.too_fast"
    return None


# --- Exercise evenings -------------------------------------------------------------------------
# One evening a week (Sunday unless the couple picks another day) brings a guided exercise
# instead of a question; an exercise in a series is given part by part on successive ones.


@dataclass(frozen=True)
class EveningsChoice:
    """What ``/exercises <arg>`` asks for: on/off, a weekday (Monday is 0), or just the state."""

    enabled: bool | None = None
    weekday: int | None = None


EVENINGS_PROBLEMS: dict[str, frozenset[str]] = {
    "exercise.evenings_unreadable": frozenset({"given"}),
    "exercise.evenings_one_day": frozenset({"given"}),
}


def parse_evenings(text: str) -> EveningsChoice | Problem:
    """Read ``on``, ``off`` or one weekday (``sunday``, ``wed``, ``domingo``, ``вс``), in any
    shipped language; nothing means "show me"."""
    raw = " ".join(text.split())
    if not raw:
        return EveningsChoice()
    switch = vocabulary().meaning("switch", raw)
    if switch in ("on", "off"):
        return EveningsChoice(enabled=switch == "on")
    given = {"given": echo(text)}
    mask = parse_days(raw)
    if isinstance(mask, Problem):
        return Problem("exercise.evenings_unreadable", given)
    days = [day for day in range(7) if mask & (1 << day)]
    if len(days) != 1:
        return Problem("exercise.evenings_one_day", given)
    # Picking a day turns exercise evenings on: that is what someone choosing a day wants.
    return EveningsChoice(enabled=True, weekday=days[0])


class EveningsSettings(Protocol):
    """A chat's exercise-evening settings, as the rules read and write them."""

    exercise_evenings: bool
    exercise_weekday: int
    days: int


def apply_evenings(chat: EveningsSettings, choice: EveningsChoice) -> None:
    """Change the chat's exercise-evening settings as asked."""
    if choice.enabled is not None:
        chat.exercise_evenings = choice.enabled
    if choice.weekday is not None:
        chat.exercise_weekday = choice.weekday


def is_exercise_evening(enabled: bool, weekday: int, local_date: date) -> bool:
    """Whether the evening of this local date (the chat's zone) is an exercise evening."""
    return enabled and local_date.weekday() == weekday


def weekday_has_no_evening(days: int, weekday: int) -> bool:
    """Whether the chat gets no evening post on its exercise weekday (its /days leave it out)."""
    return not days & (1 << weekday)


def series_parts(exercises: Sequence[Exercise], series: str) -> list[Exercise]:
    """The parts of a series, in order."""
    return sorted((e for e in exercises if e.series == series), key=lambda e: (e.part or 0, e.id))


def next_in_series(exercises: Sequence[Exercise], used: Sequence[str]) -> Exercise | None:
    """The next part of a series the couple has begun and not finished, if any.

    ``used`` is the chat's exercises, oldest first. Each series is judged by its part used last,
    newest series first: a series finished (or begun again and finished) is not continued.
    """
    by_id = {e.id: e for e in exercises}
    seen: set[str] = set()
    for entry_id in reversed(used):
        entry = by_id.get(entry_id)
        if entry is None or entry.series is None or entry.series in seen:
            continue
        seen.add(entry.series)
        later = [
            p for p in series_parts(exercises, entry.series) if (p.part or 0) > (entry.part or 0)
        ]
        if later:
            return later[0]
    return None


def series_start(exercises: Sequence[Exercise], chosen: Exercise) -> Exercise:
    """A series is begun at its first part, whichever part the picker drew."""
    if chosen.series is None:
        return chosen
    return series_parts(exercises, chosen.series)[0]


def evening_exercise(
    library: Library, history: History, prefs: Preferences, *, seed: int, used: Sequence[str]
) -> Pick | None:
    """Tonight's exercise: the next part of a series begun, else a fresh pick (a series from
    its first part); None when no exercise is eligible (the evening brings a question)."""
    following = next_in_series(library.exercises, used)
    if following is not None:
        return Pick(following)
    chosen = pick(library, history, prefs, seed=seed, kinds=(Kind.EXERCISE,))
    if chosen is None or not isinstance(chosen.entry, Exercise):
        return None
    start = series_start(library.exercises, chosen.entry)
    return chosen if start is chosen.entry else Pick(start, new_cycle=chosen.new_cycle)


# --- Walking through an exercise evening ---------------------------------------------------------


def step_refused(entry: object, number: int, *, together: bool, superseded: bool) -> str | None:
    """Why a "Start"/"Next step" press cannot show step ``number`` (a template key), or None."""
    if not isinstance(entry, Exercise) or not 1 <= number <= len(entry.steps):
        return "exercise.evening_gone"
    if superseded:
        return "exercise.evening_passed"
    if together:
        return "exercise.evening_done"
    return None
