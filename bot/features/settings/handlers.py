"""Handlers for /time, /timezone, /days, /pause, /resume, /skip and /settings (with buttons)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.features.settings import rules as preferences
from bot.kernel.db.models import Chat
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import group_message, interaction, may_change_settings
from bot.schedule.parse import Problem, parse_days, parse_delay, parse_pause, parse_time
from bot.schedule.words import (
    WEEKDAYS,
    WEEKENDS,
    clock_time,
    days_label,
    next_line,
    short_date,
    when_words,
)
from bot.schedule.zones import ZoneAmbiguous, ZoneMatch, find_zone
from bot.texts import Texts

# A change takes the chat, "now" and the templates, changes the chat, and says what it did.
Change = Callable[[Chat, datetime, Texts], str]


def problem_text(texts: Texts, problem: Problem) -> str:
    """Render a parser's complaint."""
    return texts.render_html(problem.key, **problem.values)


async def _apply(update: Update, ctx: Ctx, change: Change) -> None:
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    async with interaction(update, ctx) as it:
        assert it.chat is not None
        if await may_change_settings(update, ctx, it):
            text = change(it.chat, ctx.services.clock.now(), texts)
        else:
            text = texts.render_html("settings.not_allowed")
    await message.reply_text(text)


def _arg(ctx: Ctx) -> str:
    return " ".join(ctx.args or [])


async def on_time(update: Update, ctx: Ctx) -> None:
    """Set the evening time."""
    parsed = parse_time(_arg(ctx))

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        if isinstance(parsed, Problem):
            return problem_text(texts, parsed)
        slot = preferences.set_time(chat, parsed, now)
        return texts.render_html(
            "settings.time_set",
            time=clock_time(parsed),
            zone=chat.timezone,
            next=next_line(texts, slot, now, chat.timezone),
        )

    await _apply(update, ctx, change)


async def on_timezone(update: Update, ctx: Ctx) -> None:
    """Set the couple's time zone from a zone name or a city."""
    arg = _arg(ctx)

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        if not arg.strip():
            return texts.render_html("settings.zone_missing")
        found = find_zone(arg)
        if isinstance(found, ZoneMatch):
            slot = preferences.set_zone(chat, found.name, now)
            return texts.render_html(
                "settings.zone_set",
                zone=found.name,
                time=clock_time(chat.send_minute),
                next=next_line(texts, slot, now, chat.timezone),
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

    await _apply(update, ctx, change)


async def on_days(update: Update, ctx: Ctx) -> None:
    """Choose the weekdays that get a prompt."""
    parsed = parse_days(_arg(ctx))

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        if isinstance(parsed, Problem):
            return problem_text(texts, parsed)
        slot = preferences.set_days(chat, parsed, now)
        return texts.render_html(
            "settings.days_set",
            days=days_label(texts, parsed),
            next=next_line(texts, slot, now, chat.timezone),
        )

    await _apply(update, ctx, change)


async def on_pause(update: Update, ctx: Ctx) -> None:
    """Pause for a while, until a date, or until /resume."""
    arg = _arg(ctx)

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        today = now.astimezone(ZoneInfo(chat.timezone)).date()
        parsed = parse_pause(arg, today)
        if isinstance(parsed, Problem):
            return problem_text(texts, parsed)
        preferences.pause(chat, parsed, now)
        if parsed is None:
            return texts.render_html("settings.paused_open")
        return texts.render_html("settings.paused_until", date=short_date(texts, parsed))

    await _apply(update, ctx, change)


async def on_resume(update: Update, ctx: Ctx) -> None:
    """End a break."""

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        was_paused = chat.paused
        slot = preferences.resume(chat, now)
        key = "settings.resumed" if was_paused else "settings.not_paused"
        return texts.render_html(key, next=next_line(texts, slot, now, chat.timezone))

    await _apply(update, ctx, change)


async def on_skip(update: Update, ctx: Ctx) -> None:
    """Skip the next evening prompt."""

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        slot = preferences.skip_next(chat, now)
        if slot is None:
            return texts.render_html("settings.nothing_to_skip")
        return texts.render_html(
            "settings.skipped", when=when_words(texts, slot, now, chat.timezone)
        )

    await _apply(update, ctx, change)


def overview_text(texts: Texts, chat: Chat, now: datetime) -> str:
    """The /settings message body."""
    view = preferences.overview(chat, now)
    if not view.paused:
        state = texts.render_html("settings.state_active")
    elif view.paused_until is not None:
        state = texts.render_html(
            "settings.state_paused_until", date=short_date(texts, view.paused_until)
        )
    else:
        state = texts.render_html("settings.state_paused_open")
    return texts.render_html(
        "settings.overview",
        time=clock_time(chat.send_minute),
        days=days_label(texts, view.days),
        zone=view.zone,
        state=state,
        next=next_line(texts, view.next_slot, now, chat.timezone),
    )


def overview_keyboard(texts: Texts, chat: Chat) -> InlineKeyboardMarkup:
    """Buttons for the common changes."""

    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(texts.render(f"settings.{key}"), callback_data=f"set:{data}")

    pause_or_resume = (
        button("button_resume", "resume") if chat.paused else button("button_pause_week", "pause7")
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


async def on_settings(update: Update, ctx: Ctx) -> None:
    """Show every setting with buttons for the common changes."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    async with interaction(update, ctx) as it:
        assert it.chat is not None
        text = overview_text(texts, it.chat, ctx.services.clock.now())
        keyboard = overview_keyboard(texts, it.chat)
    await message.reply_text(text, reply_markup=keyboard)


def _button_change(action: str, chat: Chat, now: datetime) -> None:
    if action in ("earlier", "later"):
        step = -30 if action == "earlier" else 30
        preferences.set_time(chat, (chat.send_minute + step) % (24 * 60), now)
    elif action in ("daily", "weekdays", "weekends"):
        mask = {"daily": 0b1111111, "weekdays": WEEKDAYS, "weekends": WEEKENDS}[action]
        preferences.set_days(chat, mask, now)
    elif action == "skip":
        preferences.skip_next(chat, now)
    elif action == "pause7":
        today = now.astimezone(ZoneInfo(chat.timezone)).date()
        preferences.pause(chat, today + timedelta(days=7), now)
    elif action == "resume":
        preferences.resume(chat, now)


async def on_settings_button(update: Update, ctx: Ctx) -> None:
    """Apply a /settings button and refresh the message in place."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    texts = ctx.services.texts
    action = query.data.removeprefix("set:")
    async with interaction(update, ctx) as it:
        if it.chat is None:
            await query.answer()
            return
        if not await may_change_settings(update, ctx, it):
            await query.answer(texts.render("settings.not_allowed"), show_alert=True)
            return
        now = ctx.services.clock.now()
        _button_change(action, it.chat, now)
        text = overview_text(texts, it.chat, now)
        keyboard = overview_keyboard(texts, it.chat)
    await query.answer(texts.render("settings.button_done"))
    await edit_in_place(query.edit_message_text(text, reply_markup=keyboard))


async def on_nudges(update: Update, ctx: Ctx) -> None:
    """Turn nudges on or off, or set their delay: /nudges on | off | 90m | 3h."""
    arg = _arg(ctx).strip().lower()

    def change(chat: Chat, now: datetime, texts: Texts) -> str:
        if arg in ("off", "no", "stop"):
            chat.nudges_enabled = False
            return texts.render_html("answers.nudges_off")
        if arg and arg not in ("on", "yes"):
            delay = parse_delay(arg)
            if isinstance(delay, Problem):
                return problem_text(texts, delay)
            chat.nudge_delay_minutes = delay
        elif not arg and not chat.nudges_enabled:
            return texts.render_html("answers.nudges_usage")
        chat.nudges_enabled = True
        return texts.render_html(
            "answers.nudges_on",
            delay=_delay_words(texts, chat.nudge_delay_minutes),
            quiet_from=clock_time(chat.quiet_start_minute),
            quiet_to=clock_time(chat.quiet_end_minute),
        )

    await _apply(update, ctx, change)


def _delay_words(texts: Texts, minutes: int) -> str:
    if minutes % 60 == 0:
        return texts.render("activities.hours", n=minutes // 60)
    return texts.render("activities.minutes", n=minutes)
