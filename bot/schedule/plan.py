"""A chat's evening and recap schedule from its settings: pure rules over a plain shape.

Settings changes, the planner, onboarding and the recap all move a chat's next send time; they
do it here, so the rules exist once. The chat is anything with the attributes of
:class:`ChatSchedule` (a database row, or a plain object in tests).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.schedule.slots import Slot, next_slot

# A minute after the evening prompt, so the recap follows it instead of racing it.
RECAP_OFFSET_MINUTES = 1
# A recap this late (the bot was down) waits for next week rather than arriving at night.
RECAP_LATE_LIMIT = timedelta(hours=6)
_LAST_MINUTE = 24 * 60 - 1


class ChatSchedule(Protocol):
    """What the schedule rules read and write about a chat."""

    active: bool
    timezone: str
    send_minute: int
    days: int
    paused: bool
    paused_until: datetime | None
    skip_date: date | None
    last_slot_date: date | None
    next_send_at: datetime | None
    next_slot_date: date | None
    recap_enabled: bool
    recap_weekday: int
    next_recap_at: datetime | None


def upcoming(chat: ChatSchedule, now: datetime) -> Slot | None:
    """Return the chat's next evening slot from its settings, or None when paused for good."""
    if chat.paused and chat.paused_until is None:
        return None
    min_date = chat.last_slot_date + timedelta(days=1) if chat.last_slot_date else None
    return next_slot(
        now,
        zone=ZoneInfo(chat.timezone),
        minute=chat.send_minute,
        days_mask=chat.days,
        min_date=min_date,
        skip_date=chat.skip_date,
        paused_until=chat.paused_until if chat.paused else None,
    )


def reschedule(chat: ChatSchedule, now: datetime) -> Slot | None:
    """Recompute when the planner should next look at the chat (after any settings change)."""
    slot = upcoming(chat, now)
    live = slot is not None and chat.active
    chat.next_send_at = slot.at if live and slot else None
    chat.next_slot_date = slot.local_date if live and slot else None
    # The weekly recap follows the evening time and zone.
    schedule_recap(chat, now)
    return slot


def recap_minute(chat: ChatSchedule) -> int:
    """The recap's local minute after midnight (never past 23:59)."""
    return min(chat.send_minute + RECAP_OFFSET_MINUTES, _LAST_MINUTE)


def next_recap(
    chat: ChatSchedule, after: datetime, min_date: date | None = None
) -> datetime | None:
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


def schedule_recap(chat: ChatSchedule, now: datetime) -> datetime | None:
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


def after_claim(chat: ChatSchedule, due: datetime, now: datetime) -> datetime | None:
    """Where a claimed recap moves: the next one, at least a day after the one being sent."""
    local_day = due.astimezone(ZoneInfo(chat.timezone)).date()
    return next_recap(chat, max(due, now), local_day + timedelta(days=1))


def is_too_late(due: datetime, now: datetime) -> bool:
    """Tell whether a recap is so late it should wait for next week."""
    return now - due > RECAP_LATE_LIMIT


def is_recap_evening(chat: ChatSchedule, local_date: date) -> bool:
    """Tell whether the weekly recap comes on this local date (right after the evening slot).

    On that evening a quiet-evening activity offer rides in the recap instead of arriving as a
    message of its own a minute before it.
    """
    return chat.active and chat.recap_enabled and local_date.weekday() == chat.recap_weekday
