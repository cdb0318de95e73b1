"""Settings in the couple's words: answers to each change, and the /settings panel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.settings.rules import Overview, Skip
from bot.features.settings.service import Changed, MyZone
from bot.schedule.parse import Problem
from bot.schedule.slots import Slot
from bot.schedule.words import (
    clock_time,
    days_label,
    next_line,
    problem_text,
    short_date,
    when_words,
)
from bot.schedule.zones import (
    OffsetNotKept,
    ZoneAmbiguous,
    ZoneMatch,
    ZoneNotFound,
    ZoneResult,
    zone_label,
)
from bot.texts import Texts
from bot.translations.languages import display_name

T = TypeVar("T")
# Renders a change that went through: what the edit returned, the new settings, and "now".
Done = Callable[[T, Overview, datetime], str]


def answer(texts: Texts, changed: Changed[T | Problem], done: Done[T]) -> str:
    """The reply to a change: refused, the parser's complaint, or what changed."""
    if not changed.allowed or changed.overview is None or changed.now is None:
        return texts.render_html("settings.not_allowed")
    result = changed.result
    if isinstance(result, Problem):
        return problem_text(texts, result)
    return done(result, changed.overview, changed.now)  # type: ignore[arg-type]


def next_of(texts: Texts, slot: Slot | None, view: Overview, now: datetime) -> str:
    """When the next prompt comes, in the chat's zone."""
    return next_line(texts, slot, now, view.zone)


def time_set(texts: Texts) -> Done[Slot | None]:
    """/time went through."""
    return lambda slot, view, now: texts.render_html(
        "settings.time_set",
        time=clock_time(view.minute),
        zone=zone_label(view.zone),
        next=next_of(texts, slot, view, now),
    )


def days_set(texts: Texts) -> Done[Slot | None]:
    """/days went through."""
    return lambda slot, view, now: texts.render_html(
        "settings.days_set", days=days_label(texts, view.days), next=next_of(texts, slot, view, now)
    )


def zone_answer(texts: Texts) -> Done[tuple[ZoneResult | None, Slot | None]]:
    """/timezone: set (and how it was read), ambiguous, a suggestion, not found, or nothing."""

    def render(
        outcome: tuple[ZoneResult | None, Slot | None], view: Overview, now: datetime
    ) -> str:
        found, slot = outcome
        if found is None:
            return texts.render_html("settings.zone_missing")
        if isinstance(found, ZoneMatch):
            return zone_set(texts, found, view, next_of(texts, slot, view, now))
        if isinstance(found, OffsetNotKept):
            if not found.city:
                return texts.render_html(
                    "settings.zone_offset_not_kept_no_city",
                    offset=found.label,
                    earlier=found.earlier,
                    later=found.later,
                )
            return texts.render_html(
                "settings.zone_offset_not_kept",
                offset=found.label,
                city=found.city,
                earlier=found.earlier,
                later=found.later,
            )
        if isinstance(found, ZoneAmbiguous):
            return texts.render_html(
                "settings.zone_ambiguous",
                given=found.given[:40],
                options=", ".join(found.options),
                first=found.options[0],
            )
        if found.suggestions:
            return texts.render_html(
                "settings.zone_suggest",
                given=found.given[:40],
                suggestions=", ".join(found.suggestions),
                first=found.suggestions[0],
            )
        return texts.render_html("settings.zone_not_found", given=found.given[:40])

    return render


def zone_set(texts: Texts, found: ZoneMatch, view: Overview, next_line: str) -> str:
    """The new zone, with how an abbreviation or an offset was read."""
    zone, time = zone_label(found.name), clock_time(view.minute)
    if found.via == "abbreviation":
        return texts.render_html(
            "settings.zone_set_abbreviation",
            given=found.given[:40],
            city=found.city,
            zone=zone,
            time=time,
            next=next_line,
        )
    if found.via == "offset" and found.city:
        return texts.render_html(
            "settings.zone_set_offset", zone=zone, city=found.city, time=time, next=next_line
        )
    if found.via == "offset":
        return texts.render_html(
            "settings.zone_set_offset_no_city", zone=zone, time=time, next=next_line
        )
    if found.via == "odd_offset":
        return texts.render_html(
            "settings.zone_set_odd_offset",
            offset=found.offset,
            city=found.city,
            zone=zone,
            time=time,
            next=next_line,
        )
    return texts.render_html("settings.zone_set", zone=zone, time=time, next=next_line)


def my_zone_answer(texts: Texts, mine: MyZone, *, changed: bool) -> str:
    """/timezone me: set, cleared, or where it stands (refused for anyone but the couple)."""
    if not mine.allowed:
        return texts.render_html("settings.my_zone_partners_only")
    chat_zone = zone_label(mine.chat_zone)
    if mine.zone is None:
        key = "settings.my_zone_cleared" if changed else "settings.my_zone_none"
        return texts.render_html(key, name=mine.name, chat_zone=chat_zone)
    if not changed:
        return texts.render_html("settings.my_zone_is", name=mine.name, zone=zone_label(mine.zone))
    return texts.render_html(
        "settings.my_zone_set",
        name=mine.name,
        zone=zone_label(mine.zone),
        time=clock_time(mine.minute),
        chat_zone=chat_zone,
    )


def my_zone_problem(texts: Texts, found: ZoneResult) -> str:
    """/timezone me with a zone not found: close names to try, or an example."""
    options: tuple[str, ...] = ()
    if isinstance(found, ZoneAmbiguous):
        options = found.options
    elif isinstance(found, ZoneNotFound):
        options = found.suggestions
    elif isinstance(found, OffsetNotKept) and found.city:
        options = (found.city,)
    given = found.given[:40] if not isinstance(found, ZoneMatch) else ""
    if options:
        return texts.render_html(
            "settings.my_zone_suggest", given=given, options=", ".join(options), first=options[0]
        )
    return texts.render_html("settings.my_zone_not_found", given=given)


def paused(texts: Texts) -> Done[date | None]:
    """/pause went through: open-ended or until a date."""
    return lambda until, _view, _now: (
        texts.render_html("settings.paused_open")
        if until is None
        else texts.render_html("settings.paused_until", date=short_date(texts, until))
    )


def resumed(texts: Texts) -> Done[tuple[bool, Slot | None]]:
    """/resume: back on, or was not paused."""

    def render(outcome: tuple[bool, Slot | None], view: Overview, now: datetime) -> str:
        was_paused, slot = outcome
        key = "settings.resumed" if was_paused else "settings.not_paused"
        return texts.render_html(key, next=next_of(texts, slot, view, now))

    return render


def skipped(texts: Texts) -> Done[Skip]:
    """/skip: which evening is off, that it already was, or nothing to skip."""

    def render(skip: Skip, view: Overview, now: datetime) -> str:
        if skip.slot is None:
            return texts.render_html("settings.nothing_to_skip")
        when = when_words(texts, skip.slot, now, view.zone)
        key = "settings.already_skipped" if skip.already else "settings.skipped"
        return texts.render_html(key, when=when)

    return render


def nudges_answer(texts: Texts) -> Done[str]:
    """/nudges: off, the usage, or on with the delay and quiet hours."""

    def render(outcome: str, view: Overview, _now: datetime) -> str:
        if outcome == "off":
            return texts.render_html("answers.nudges_off")
        if outcome == "usage":
            return texts.render_html("answers.nudges_usage")
        return texts.render_html(
            "answers.nudges_on",
            delay=delay_words(texts, view.nudge_delay_minutes),
            quiet_from=clock_time(view.quiet_start_minute),
            quiet_to=clock_time(view.quiet_end_minute),
        )

    return render


def delay_words(texts: Texts, minutes: int) -> str:
    """``2 h`` or ``90 min``."""
    if minutes % 60 == 0:
        return texts.render("activities.hours", n=minutes // 60)
    return texts.render("activities.minutes", n=minutes)


def overview_text(texts: Texts, view: Overview, now: datetime) -> str:
    """The /settings message body."""
    if not view.paused:
        state = texts.render_html("settings.state_active")
    elif view.paused_until is not None:
        state = texts.render_html(
            "settings.state_paused_until", date=short_date(texts, view.paused_until)
        )
    else:
        state = texts.render_html("settings.state_paused_open")
    body = texts.render_html(
        "settings.overview",
        time=clock_time(view.minute),
        days=days_label(texts, view.days),
        zone=zone_label(view.zone),
        state=state,
        next=next_line(texts, view.next_slot, now, view.zone),
    )
    language = texts.render_html("settings.overview_language", language=display_name(view.language))
    return body + "\n" + language


def overview_keyboard(texts: Texts, view: Overview) -> InlineKeyboardMarkup:
    """Buttons for the common changes."""

    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(texts.render(f"settings.{key}"), callback_data=f"set:{data}")

    pause_or_resume = (
        button("button_resume", "resume") if view.paused else button("button_pause_week", "pause7")
    )
    return InlineKeyboardMarkup(
        [
            [button("button_earlier", "earlier"), button("button_later", "later")],
            [
                button("button_daily", "daily"),
                button("button_weekdays", "weekdays"),
                button("button_weekends", "weekends"),
            ],
            [button("button_skip", "skip"), pause_or_resume],
        ]
    )
