"""The weekly recap's schedule: on the couple's chosen weekday, just after the evening prompt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.db.models import Chat
from bot.schedule.parse import Problem, echo, parse_days
from bot.schedule.slots import next_slot

# A minute after the evening prompt, so the recap follows it instead of racing it.
RECAP_OFFSET_MINUTES = 1
# A recap this late (the bot was down) waits for next week rather than arriving at night.
RECAP_LATE_LIMIT = timedelta(hours=6)
_LAST_MINUTE = 24 * 60 - 1


def recap_minute(chat: Chat) -> int:
    """The recap's local minute after midnight (never past 23:59)."""
    return min(chat.send_minute + RECAP_OFFSET_MINUTES, _LAST_MINUTE)


def next_recap(chat: Chat, after: datetime, min_date: date | None = None) -> datetime | None:
    """The first recap instant strictly after ``after``; None when the recap is off."""
    if not (chat.recap_enabled and chat.active):
        return None
    slot = next_slot(
        after,
        zone=ZoneInfo(chat.timezone),
        minute=recap_minute(chat),
        days_mask=1 << chat.recap_weekday,
        min_date=min_date,
    )
    return slot.at if slot is not None else None


def schedule_recap(chat: Chat, now: datetime) -> datetime | None:
    """Set ``chat.next_recap_at`` from the settings (called whenever they change)."""
    current = chat.next_recap_at
    if not (chat.recap_enabled and chat.active):
        chat.next_recap_at = None
        return None
    if current is not None and current <= now:
        # Due and not yet claimed: the next tick sends it, or moves it on if it is too late.
        return current
    min_date = None
    if current is not None:
        # A recap set a week ahead means this week's was sent (or skipped) already: a change
        # of time later today must not bring a second one tonight.
        min_date = current.astimezone(ZoneInfo(chat.timezone)).date() - timedelta(days=6)
    chat.next_recap_at = next_recap(chat, now, min_date)
    return chat.next_recap_at


def after_claim(chat: Chat, due: datetime, now: datetime) -> datetime | None:
    """Where a claimed recap moves: the next one, at least a day after the one being sent."""
    local_day = due.astimezone(ZoneInfo(chat.timezone)).date()
    return next_recap(chat, max(due, now), local_day + timedelta(days=1))


def is_too_late(due: datetime, now: datetime) -> bool:
    """Tell whether a recap is so late it should wait for next week."""
    return now - due > RECAP_LATE_LIMIT


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


def apply_recap(chat: Chat, choice: RecapChoice, now: datetime) -> datetime | None:
    """Change the recap settings and reschedule it."""
    if choice.enabled is not None:
        chat.recap_enabled = choice.enabled
    if choice.weekday is not None:
        chat.recap_weekday = choice.weekday
    return schedule_recap(chat, now)
