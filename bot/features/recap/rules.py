"""What ``/recap`` asks for, and applying it to a chat's schedule (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.schedule.parse import Problem, echo, parse_days
from bot.schedule.plan import ChatSchedule, schedule_recap

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
_ON = frozenset({"on", "yes", "enable", "start"})
_OFF = frozenset({"off", "no", "disable", "stop"})


def parse_recap(text: str) -> RecapChoice | Problem:
    """Read ``on``, ``off``, or one weekday (``sunday``, ``mon``); nothing means "show me"."""
    raw = " ".join(text.lower().split())
    if not raw:
        return RecapChoice()
    if raw in _ON:
        return RecapChoice(enabled=True)
    if raw in _OFF:
        return RecapChoice(enabled=False)
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
