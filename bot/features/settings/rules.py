"""The couple's evening settings: each change keeps the next send time right (pure rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.schedule.parse import Problem, parse_delay
from bot.schedule.plan import ChatSchedule, reschedule, upcoming
from bot.schedule.reading import vocabulary
from bot.schedule.slots import EVERY_DAY, Slot, local_instant

WEEKDAYS, WEEKENDS = 0b0011111, 0b1100000
# The panel's buttons, by their callback data after "set:".
STEP_MINUTES = 30
DAY_SETS = {"daily": EVERY_DAY, "weekdays": WEEKDAYS, "weekends": WEEKENDS}
BUTTONS = frozenset({"earlier", "later", "skip", "pause7", "resume", *DAY_SETS})


def set_time(chat: ChatSchedule, minute: int, now: datetime) -> Slot | None:
    """Move the evening prompt to a new local time."""
    chat.send_minute = minute
    return reschedule(chat, now)


def set_zone(chat: ChatSchedule, zone: str, now: datetime) -> Slot | None:
    """Move the chat to another time zone (the local time stays the same)."""
    chat.timezone = zone
    return reschedule(chat, now)


def set_days(chat: ChatSchedule, mask: int, now: datetime) -> Slot | None:
    """Choose the weekdays that get a prompt."""
    chat.days = mask
    return reschedule(chat, now)


def pause(chat: ChatSchedule, until: date | None, now: datetime) -> Slot | None:
    """Pause until a local date (prompts resume that day) or until /resume."""
    chat.paused = True
    chat.paused_until = (
        local_instant(until, 0, ZoneInfo(chat.timezone)) if until is not None else None
    )
    return reschedule(chat, now)


def resume(chat: ChatSchedule, now: datetime) -> Slot | None:
    """End a pause."""
    chat.paused = False
    chat.paused_until = None
    return reschedule(chat, now)


@dataclass(frozen=True)
class Skip:
    """What /skip (or the Skip button) did: the evening that is off, and whether it already was."""

    slot: Slot | None
    already: bool = False


def skip_next(chat: ChatSchedule, now: datetime) -> Skip:
    """Skip the next evening prompt only; skipping it again changes nothing (idempotent)."""
    skipped = chat.skip_date
    chat.skip_date = None
    slot = upcoming(chat, now)
    if slot is None:
        chat.skip_date = skipped
        return Skip(None)
    already = slot.local_date == skipped
    chat.skip_date = slot.local_date
    reschedule(chat, now)
    return Skip(slot, already)


def press(chat: ChatSchedule, action: str, now: datetime) -> None:
    """Apply one of the /settings panel's buttons (``BUTTONS``)."""
    if action in ("earlier", "later"):
        step = -STEP_MINUTES if action == "earlier" else STEP_MINUTES
        set_time(chat, (chat.send_minute + step) % (24 * 60), now)
    elif action in DAY_SETS:
        set_days(chat, DAY_SETS[action], now)
    elif action == "skip":
        skip_next(chat, now)
    elif action == "pause7":
        today = now.astimezone(ZoneInfo(chat.timezone)).date()
        pause(chat, today + timedelta(days=7), now)
    elif action == "resume":
        resume(chat, now)


@dataclass(frozen=True)
class Overview:
    """A chat's settings as plain values: what /settings and every change's answer show."""

    minute: int
    zone: str
    days: int
    paused: bool
    paused_until: date | None
    next_slot: Slot | None
    nudges_enabled: bool
    nudge_delay_minutes: int
    quiet_start_minute: int
    quiet_end_minute: int
    language: str = "en"


class ChatSettings(ChatSchedule, Protocol):
    """The schedule plus the nudge settings and the chat's language."""

    nudges_enabled: bool
    nudge_delay_minutes: int
    quiet_start_minute: int
    quiet_end_minute: int
    language: str


def overview(chat: ChatSettings, now: datetime) -> Overview:
    """Summarise the chat's settings."""
    zone = ZoneInfo(chat.timezone)
    until = chat.paused_until.astimezone(zone).date() if chat.paused_until else None
    return Overview(
        minute=chat.send_minute,
        zone=chat.timezone,
        days=chat.days,
        paused=chat.paused,
        paused_until=until,
        next_slot=upcoming(chat, now),
        nudges_enabled=chat.nudges_enabled,
        nudge_delay_minutes=chat.nudge_delay_minutes,
        quiet_start_minute=chat.quiet_start_minute,
        quiet_end_minute=chat.quiet_end_minute,
        language=chat.language,
    )


def my_zone_argument(args: Sequence[str]) -> str | None:
    """What follows ``/timezone me`` (me, yo, eu, я...), or None when it is the couple's zone."""
    if not args or vocabulary().meaning("me", args[0]) != "me":
        return None
    return " ".join(args[1:]).strip()


def clears(arg: str) -> bool:
    """``/timezone me off`` (or clear, borrar, сброс...): back to the chat's zone."""
    words = vocabulary()
    return words.meaning("switch", arg) == "off" or words.meaning("clear", arg) == "clear"


def set_nudges(chat: ChatSettings, arg: str) -> str | Problem:
    """Apply ``/nudges on | off | 90m | 3h`` (in any shipped language's words): return "on",
    "off", "usage" or the parser's problem."""
    arg = arg.strip()
    switch = vocabulary().meaning("switch", arg)
    if switch == "off":
        chat.nudges_enabled = False
        return "off"
    if arg and switch != "on":
        delay = parse_delay(arg)
        if isinstance(delay, Problem):
            return delay
        chat.nudge_delay_minutes = delay
    elif not arg and not chat.nudges_enabled:
        return "usage"
    chat.nudges_enabled = True
    return "on"
