"""The couple's evening settings: change them and keep the next send time right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.features.recap.rules import schedule_recap
from bot.kernel.db.models import Chat
from bot.schedule.slots import Slot, local_instant, next_slot


def upcoming(chat: Chat, now: datetime) -> Slot | None:
    """Return the chat's next evening slot from its settings, or None when paused for good."""
    if chat.paused and chat.paused_until is None:
        return None
    zone = ZoneInfo(chat.timezone)
    min_date = chat.last_slot_date + timedelta(days=1) if chat.last_slot_date else None
    return next_slot(
        now,
        zone=zone,
        minute=chat.send_minute,
        days_mask=chat.days,
        min_date=min_date,
        skip_date=chat.skip_date,
        paused_until=chat.paused_until if chat.paused else None,
    )


def reschedule(chat: Chat, now: datetime) -> Slot | None:
    """Recompute when the planner should next look at the chat (after any settings change)."""
    slot = upcoming(chat, now)
    live = slot is not None and chat.active
    chat.next_send_at = slot.at if live and slot else None
    chat.next_slot_date = slot.local_date if live and slot else None
    # The weekly recap follows the evening time and zone.
    schedule_recap(chat, now)
    return slot


def set_time(chat: Chat, minute: int, now: datetime) -> Slot | None:
    """Move the evening prompt to a new local time."""
    chat.send_minute = minute
    return reschedule(chat, now)


def set_zone(chat: Chat, zone: str, now: datetime) -> Slot | None:
    """Move the chat to another time zone (the local time stays the same)."""
    chat.timezone = zone
    return reschedule(chat, now)


def set_days(chat: Chat, mask: int, now: datetime) -> Slot | None:
    """Choose the weekdays that get a prompt."""
    chat.days = mask
    return reschedule(chat, now)


def pause(chat: Chat, until: date | None, now: datetime) -> Slot | None:
    """Pause until a local date (prompts resume that day) or until /resume."""
    chat.paused = True
    chat.paused_until = (
        local_instant(until, 0, ZoneInfo(chat.timezone)) if until is not None else None
    )
    return reschedule(chat, now)


def resume(chat: Chat, now: datetime) -> Slot | None:
    """End a pause."""
    chat.paused = False
    chat.paused_until = None
    return reschedule(chat, now)


def skip_next(chat: Chat, now: datetime) -> Slot | None:
    """Skip the next evening prompt only; return the slot that was skipped."""
    slot = upcoming(chat, now)
    if slot is None:
        return None
    chat.skip_date = slot.local_date
    reschedule(chat, now)
    return slot


@dataclass(frozen=True)
class Overview:
    """Everything /settings shows, as plain values."""

    time: time
    zone: str
    days: int
    paused: bool
    paused_until: date | None
    next_slot: Slot | None


def overview(chat: Chat, now: datetime) -> Overview:
    """Summarise the chat's settings."""
    zone = ZoneInfo(chat.timezone)
    until = chat.paused_until.astimezone(zone).date() if chat.paused_until else None
    return Overview(
        time=time(chat.send_minute // 60, chat.send_minute % 60),
        zone=chat.timezone,
        days=chat.days,
        paused=chat.paused,
        paused_until=until,
        next_slot=upcoming(chat, now),
    )
