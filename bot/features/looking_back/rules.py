"""Looking back: a couple's figures, and what /recap asks for (pure: plain data and ``now`` in).

Rules:
- The week starts on Monday at 00:00 in the couple's zone (a recap may pass its own start).
- A streak counts evening prompts answered together, in local-date order. Dates without an
  evening prompt (skipped, paused, days off) do not break it; neither does tonight's prompt
  while it is unanswered and under :data:`STILL_OPEN` old.
- The typical time to the second answer is the median of ``together_at - posted_at`` over the
  evenings answered together (None when there are none).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.pictures.calendar import Evening
from bot.schedule.parse import Problem, echo, parse_days
from bot.schedule.plan import ChatSchedule, schedule_recap
from bot.schedule.reading import vocabulary
from bot.schedule.slots import local_instant

# An unanswered prompt younger than this is still open, not a missed evening.
STILL_OPEN = timedelta(hours=24)


@dataclass(frozen=True)
class EveningStat:
    """One evening prompt: its local date, when it was posted, when both had answered."""

    local_date: date
    posted_at: datetime
    together_at: datetime | None


@dataclass(frozen=True)
class Period:
    """Figures for one stretch of time."""

    prompts: int
    together: int
    exercises: int
    activities: int
    median_to_both: timedelta | None


@dataclass(frozen=True)
class Stats:
    """This week, all time, and the streaks."""

    week: Period
    all_time: Period
    current_streak: int
    best_streak: int


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the current local week, as a UTC instant."""
    today = now.astimezone(zone).date()
    return local_instant(today - timedelta(days=today.weekday()), 0, zone)


def days_back_start(day: date, zone: ZoneInfo, days: int = 7) -> datetime:
    """Local midnight starting the ``days`` local dates that end with ``day``."""
    return local_instant(day - timedelta(days=days - 1), 0, zone)


def compute(
    evenings: Sequence[EveningStat],
    exercises_done: Sequence[datetime],
    activities_done: Sequence[datetime],
    now: datetime,
    zone: ZoneInfo,
    *,
    since: datetime | None = None,
) -> Stats:
    """Work out the figures; ``since`` overrides the start of "this week"."""
    start = since if since is not None else week_start(now, zone)
    ordered = sorted(evenings, key=lambda e: (e.local_date, e.posted_at))
    current, best = streaks(ordered, now)
    return Stats(
        week=_period(
            [e for e in ordered if e.posted_at >= start],
            [d for d in exercises_done if d >= start],
            [d for d in activities_done if d >= start],
        ),
        all_time=_period(ordered, exercises_done, activities_done),
        current_streak=current,
        best_streak=best,
    )


def streaks(ordered: Sequence[EveningStat], now: datetime) -> tuple[int, int]:
    """Return (current, best) runs of evenings answered together, in date order."""
    best = run = 0
    for evening in ordered:
        run = run + 1 if evening.together_at is not None else 0
        best = max(best, run)
    if ordered and _still_open(ordered[-1], now):
        # Tonight's prompt may still be answered: the streak so far stands.
        return _trailing(ordered[:-1]), best
    return run, best


def _still_open(evening: EveningStat, now: datetime) -> bool:
    return evening.together_at is None and now - evening.posted_at < STILL_OPEN


def _trailing(ordered: Sequence[EveningStat]) -> int:
    count = 0
    for evening in reversed(ordered):
        if evening.together_at is None:
            break
        count += 1
    return count


def _period(
    evenings: Sequence[EveningStat], exercises: Sequence[datetime], activities: Sequence[datetime]
) -> Period:
    waits = [
        max((e.together_at - e.posted_at).total_seconds(), 0.0)
        for e in evenings
        if e.together_at is not None
    ]
    return Period(
        prompts=len(evenings),
        together=len(waits),
        exercises=len(exercises),
        activities=len(activities),
        median_to_both=timedelta(seconds=statistics.median(waits)) if waits else None,
    )


def worth_a_recap(week: Period) -> bool:
    """Tell whether a week has enough in it to look back on (a brand-new chat has not)."""
    return week.prompts >= 2 or bool(week.together or week.exercises or week.activities)


@dataclass(frozen=True)
class Approx:
    """A duration rounded the way people say it: days, hours, minutes (``under_minute``)."""

    days: int = 0
    hours: int = 0
    minutes: int = 0
    under_minute: bool = False


def approximate(duration: timedelta) -> Approx:
    """Round a duration: to the minute under an hour, to 5 minutes under a day, else to hours."""
    seconds = duration.total_seconds()
    if seconds < 60:
        return Approx(under_minute=True)
    if round(seconds / 60) < 60:
        return Approx(minutes=round(seconds / 60))
    five = round(seconds / 300) * 5
    if five < 24 * 60:
        return Approx(hours=five // 60, minutes=five % 60)
    hours = round(seconds / 3600)
    return Approx(days=hours // 24, hours=hours % 24)


# --- The weekly recap's settings ------------------------------------------------------------

# Fewer than this many evenings together in the week: suggest doing something rather than
# another conversation (the same idea as the quiet rule).
QUIET_WEEK = 2


@dataclass(frozen=True)
class RecapChoice:
    """What ``/recap <arg>`` asks for: on/off, a weekday (Monday is 0), or just the status."""

    enabled: bool | None = None
    weekday: int | None = None


RECAP_PROBLEMS: dict[str, frozenset[str]] = {
    "stats.recap_unreadable": frozenset({"given"}),
    "stats.recap_one_day": frozenset({"given"}),
}


def parse_recap(text: str) -> RecapChoice | Problem:
    """Read ``on``, ``off``, or one weekday (``sunday``, ``mon``, ``domingo``, ``вс``), in any
    shipped language; nothing means "show me"."""
    raw = " ".join(text.split())
    if not raw:
        return RecapChoice()
    switch = vocabulary().meaning("switch", raw)
    if switch in ("on", "off"):
        return RecapChoice(enabled=switch == "on")
    given = {"given": echo(text)}
    mask = parse_days(raw)
    if isinstance(mask, Problem):
        return Problem("stats.recap_unreadable", given)
    days = [day for day in range(7) if mask & (1 << day)]
    if len(days) != 1:
        return Problem("stats.recap_one_day", given)
    # Choosing a day also turns the recap on: that is what someone picking a day wants.
    return RecapChoice(enabled=True, weekday=days[0])


def apply_recap(chat: ChatSchedule, choice: RecapChoice, now: datetime) -> datetime | None:
    """Change the recap settings and reschedule it."""
    if choice.enabled is not None:
        chat.recap_enabled = choice.enabled
    if choice.weekday is not None:
        chat.recap_weekday = choice.weekday
    return schedule_recap(chat, now)


def prefers_activity(together_this_week: int) -> bool:
    """After a quiet week, the recap suggests doing something rather than another exercise."""
    return together_this_week < QUIET_WEEK


# --- The evenings calendar --------------------------------------------------------------------

CALENDAR_WEEKS = 12


@dataclass(frozen=True)
class EveningDay:
    """What the chat's evening slot on one local date became (a run, with its post if any)."""

    local_date: date
    kind: str  # prompt | activity | rest (the run's kind)
    first_answer_at: datetime | None = None
    together_at: datetime | None = None
    in_person: bool = False


@dataclass(frozen=True)
class Calendar:
    """The last weeks, one square an evening (Monday first, oldest first), and their counts."""

    today: date
    squares: tuple[Evening, ...]
    today_index: int | None
    together: int
    in_person: int
    one: int
    off: int

    @property
    def worth_a_picture(self) -> bool:
        """Tell whether anything happened to show: a picture of nothing is not sent."""
        return bool(self.together or self.in_person or self.one)


def square(day: EveningDay | None, when: date, days_mask: int, skip: date | None) -> Evening:
    """One evening's square: what happened, or neutral; never a mark for what did not."""
    if day is None:
        # No run that date: not one of their days (as they are set now) or skipped is a day
        # off; anything else (paused, before they joined, the bot down) stays neutral.
        off = not days_mask & (1 << when.weekday()) or when == skip
        return Evening.OFF if off else Evening.NONE
    if day.kind == "rest":
        return Evening.OFF
    if day.together_at is not None:
        return Evening.IN_PERSON if day.in_person else Evening.TOGETHER
    if day.first_answer_at is not None:
        return Evening.ONE
    return Evening.NONE


def calendar(
    days: Sequence[EveningDay],
    today: date,
    *,
    days_mask: int,
    skip: date | None = None,
    weeks: int = CALENDAR_WEEKS,
) -> Calendar:
    """The last ``weeks`` weeks up to this one (Monday to Sunday), later days left blank."""
    first = calendar_start(today, weeks)
    by_date = {d.local_date: d for d in days}
    squares = []
    for offset in range(7 * weeks):
        when = first + timedelta(days=offset)
        if when > today:
            squares.append(Evening.LATER)
        else:
            squares.append(square(by_date.get(when), when, days_mask, skip))
    counted = Counter(squares)
    return Calendar(
        today=today,
        squares=tuple(squares),
        today_index=(today - first).days,
        together=counted[Evening.TOGETHER],
        in_person=counted[Evening.IN_PERSON],
        one=counted[Evening.ONE],
        off=counted[Evening.OFF],
    )


def calendar_start(today: date, weeks: int = CALENDAR_WEEKS) -> date:
    """The Monday the calendar starts on."""
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))
