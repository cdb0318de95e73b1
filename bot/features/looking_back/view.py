"""/stats, /recap and the weekly recap in the couple's words (prompts/<lang>/stats.yaml)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.activities.view import activity_line, quiet_offer
from bot.features.looking_back.rules import CALENDAR_WEEKS, Calendar, Period, Stats, approximate
from bot.features.looking_back.service import Idea, RecapAnswer, RecapSettings
from bot.library.schema import Activity
from bot.schedule.slots import Slot
from bot.schedule.words import when_words
from bot.texts import Texts


def duration_words(texts: Texts, duration: timedelta) -> str:
    """``about 2 h 10 min``-style duration."""
    a = approximate(duration)
    if a.under_minute:
        return texts.render("stats.duration.under_minute")
    if a.days and a.hours:
        return texts.render("stats.duration.days_hours", days=a.days, hours=a.hours)
    if a.days:
        return texts.render("stats.duration.days", days=a.days)
    if a.hours and a.minutes:
        return texts.render("stats.duration.hours_minutes", hours=a.hours, minutes=a.minutes)
    if a.hours:
        return texts.render("stats.duration.hours", hours=a.hours)
    return texts.render("stats.duration.minutes", minutes=a.minutes)


def weekday_name(texts: Texts, weekday: int) -> str:
    """The full name of a weekday (Monday is 0)."""
    names = (
        texts.render("stats.day.mon"),
        texts.render("stats.day.tue"),
        texts.render("stats.day.wed"),
        texts.render("stats.day.thu"),
        texts.render("stats.day.fri"),
        texts.render("stats.day.sat"),
        texts.render("stats.day.sun"),
    )
    return names[weekday]


def period_text(texts: Texts, period: Period) -> str:
    """One block of figures."""
    median = (
        texts.render("stats.median", duration=duration_words(texts, period.median_to_both))
        if period.median_to_both is not None
        else ""
    )
    return texts.render(
        "stats.period",
        prompts=period.prompts,
        together=period.together,
        exercises=period.exercises,
        activities=period.activities,
        median=median,
    )


def streak_text(texts: Texts, stats: Stats) -> str:
    """A line about the streak, or nothing when there is none worth naming."""
    current, best = stats.current_streak, stats.best_streak
    if current >= 2 and current >= best:
        return texts.render("stats.streak_best", count=current)
    if current >= 2:
        return texts.render("stats.streak_current", count=current, best=best)
    if best >= 2:
        return texts.render("stats.streak_past", count=best)
    return ""


def closing_text(texts: Texts, week: Period) -> str:
    """Warm words for the week: a quiet one is a start, never a failure."""
    if week.prompts == 0 and not (week.exercises or week.activities):
        return texts.render("stats.closing_fresh")
    if week.together == 0 and not (week.exercises or week.activities):
        return texts.render("stats.closing_quiet")
    if week.prompts and week.together == week.prompts:
        return texts.render("stats.closing_every")
    return texts.render("stats.closing_some")


# The file name Telegram shows if the picture is saved.
PICTURE_NAME = "evenings.png"


def calendar_text(texts: Texts, calendar: Calendar, key: str = "stats.calendar") -> str:
    """The calendar picture in words: what each colour counts, only what happened."""
    if not calendar.worth_a_picture:
        return ""
    parts = [
        texts.render(name, count=count)
        for name, count in (
            ("stats.calendar_together", calendar.together),
            ("stats.calendar_in_person", calendar.in_person),
            ("stats.calendar_one", calendar.one),
            ("stats.calendar_off", calendar.off),
        )
        if count
    ]
    counts = texts.render("stats.calendar_joiner").join(parts)
    return texts.render(key, count=CALENDAR_WEEKS, counts=counts)


def stats_text(texts: Texts, stats: Stats, calendar: Calendar) -> str:
    """The /stats message (the picture's caption, or the message alone)."""
    if stats.all_time.prompts == 0 and not (stats.all_time.exercises or stats.all_time.activities):
        return texts.render("stats.empty")
    return texts.render(
        "stats.overview",
        week=period_text(texts, stats.week),
        all_time=period_text(texts, stats.all_time),
        streak=streak_text(texts, stats),
        calendar=calendar_text(texts, calendar),
        closing=closing_text(texts, stats.week),
    )


def recap_text(
    texts: Texts, stats: Stats, calendar: Calendar, suggestion: str, *, tonight: bool = False
) -> str:
    """The weekly recap; ``suggestion`` is rendered HTML (or empty), for tonight or the week.

    It celebrates what happened and says nothing about what did not: no "0 of 7", and a week
    with nothing to count simply looks ahead.
    """
    week = stats.week
    shared = []
    if week.together:
        shared.append(texts.render("stats.recap_evenings", count=week.together))
    if week.exercises:
        shared.append(texts.render("stats.recap_exercises", count=week.exercises))
    if week.activities:
        shared.append(texts.render("stats.recap_activities", count=week.activities))
    nothing = not shared
    heading = "stats.recap_tonight" if tonight else "stats.recap_ahead"
    ahead = texts.render(heading, suggestion=suggestion) if suggestion else ""
    return texts.render(
        "stats.recap",
        shared="\n\n" + "\n".join(shared) if shared else "",
        streak=streak_text(texts, stats) if stats.current_streak >= 2 else "",
        calendar=calendar_text(texts, calendar),
        closing=texts.render("stats.recap_closing_fresh") if nothing else closing_text(texts, week),
        ahead=ahead,
    )


def recap_offer(texts: Texts, activities: tuple[Activity, ...]) -> tuple[str, InlineKeyboardMarkup]:
    """A quiet evening's offer as the recap carries it: the activities and their buttons."""
    _, keyboard = quiet_offer(texts, activities)
    lines = [texts.render_html("stats.recap_offer")]
    lines += [activity_line(texts, i, a) for i, a in enumerate(activities, 1)]
    return "\n\n".join(lines), keyboard


def _when(texts: Texts, settings: RecapSettings, at: datetime) -> str:
    local = at.astimezone(ZoneInfo(settings.zone)).date()
    return when_words(texts, Slot(local, at), settings.now, settings.zone)


def recap_answer(texts: Texts, answer: RecapAnswer) -> str:
    """Refused, the recap's status, or what changed."""
    settings = answer.settings
    if not answer.allowed or settings is None:
        return texts.render_html("settings.not_allowed")
    day = weekday_name(texts, settings.weekday)
    at = settings.next_at
    if answer.changed:
        if not settings.enabled or at is None:
            return texts.render_html("stats.recap_off")
        return texts.render_html("stats.recap_set", day=day, when=_when(texts, settings, at))
    if not settings.enabled or at is None:
        return texts.render_html("stats.recap_status_off", day=day)
    return texts.render_html("stats.recap_status_on", day=day, when=_when(texts, settings, at))


RECAP_BUTTON = "recap:ex:"


def idea_text(texts: Texts, idea: Idea | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The recap's idea for the week ahead, with a "Show us the exercise" button for one."""
    if idea is None:
        return "", None
    if idea.exercise_id is None:
        text = texts.render_html(
            "stats.recap_activity", title=idea.title, description=idea.description
        )
        return text, None
    text = texts.render_html("stats.recap_exercise", title=idea.title, minutes=idea.minutes)
    button = InlineKeyboardButton(
        texts.render("stats.button_show_exercise"),
        callback_data=f"{RECAP_BUTTON}{idea.exercise_id}",
    )
    return text, InlineKeyboardMarkup([[button]])
