"""Dates, times and weekdays in the couple's words (templates from prompts/)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedule.parse import Problem
from bot.schedule.slots import EVERY_DAY, Slot
from bot.schedule.times import format_minute
from bot.texts import Texts

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS, WEEKENDS = 0b0011111, 0b1100000


def short_date(texts: Texts, day: date) -> str:
    """``Fri 4 Dec``-style date."""
    weekday = texts.render(f"settings.weekday.{WEEKDAY_KEYS[day.weekday()]}")
    month = texts.render(f"settings.month.m{day.month}")
    return texts.render("settings.date_short", weekday=weekday, day=day.day, month=month)


def day_and_month(texts: Texts, day: date) -> str:
    """``4 Dec``-style date (a weekday word comes before it in the sentence)."""
    month = texts.render(f"settings.month.m{day.month}")
    return texts.render("settings.date_day", day=day.day, month=month)


def days_label(texts: Texts, mask: int) -> str:
    """Describe a weekday mask: every day, weekdays, weekends, or a list."""
    if mask & EVERY_DAY == EVERY_DAY:
        return texts.render("settings.days_daily")
    if mask == WEEKDAYS:
        return texts.render("settings.days_weekdays")
    if mask == WEEKENDS:
        return texts.render("settings.days_weekends")
    names = [
        texts.render(f"settings.weekday.{key}")
        for i, key in enumerate(WEEKDAY_KEYS)
        if mask & (1 << i)
    ]
    return ", ".join(names)


def next_line(texts: Texts, slot: Slot | None, now: datetime, zone: str) -> str:
    """Say when the next evening prompt comes."""
    if slot is None:
        return texts.render("settings.next_none")
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    time = slot.at.astimezone(tz).strftime("%H:%M")
    if slot.local_date == today:
        return texts.render("settings.next_tonight", time=time)
    if slot.local_date == today + timedelta(days=1):
        return texts.render("settings.next_tomorrow", time=time)
    weekday = texts.render(f"settings.weekday.{WEEKDAY_KEYS[slot.local_date.weekday()]}")
    day = day_and_month(texts, slot.local_date)
    return texts.render("settings.next_on", weekday=weekday, date=day, time=time)


def when_words(texts: Texts, slot: Slot, now: datetime, zone: str) -> str:
    """``tonight``, ``tomorrow`` or ``on Fri 4 Dec`` for a slot."""
    today = now.astimezone(ZoneInfo(zone)).date()
    if slot.local_date == today:
        return texts.render("settings.when_tonight")
    if slot.local_date == today + timedelta(days=1):
        return texts.render("settings.when_tomorrow")
    weekday = texts.render(f"settings.weekday.{WEEKDAY_KEYS[slot.local_date.weekday()]}")
    day = day_and_month(texts, slot.local_date)
    return texts.render("settings.when_on", weekday=weekday, date=day)


def clock_time(minute: int) -> str:
    """``20:30`` for minutes after midnight."""
    return format_minute(minute)


def problem_text(texts: Texts, problem: Problem) -> str:
    """Render a parser's complaint."""
    return texts.render_html(problem.key, **problem.values)
