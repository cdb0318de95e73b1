"""Handlers for /time, /timezone, /days, /pause, /resume, /skip, /nudges and /settings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram import Update

from bot.features.settings import rules, service, view
from bot.features.settings.rules import ChatSettings
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words
from bot.schedule.parse import Problem, parse_days, parse_pause, parse_time
from bot.schedule.slots import Slot
from bot.schedule.zones import ZoneMatch, ZoneResult, find_zone
from bot.texts import Texts

T = TypeVar("T")


async def _reply(
    update: Update,
    ctx: Ctx,
    edit: service.Edit[T | Problem],
    done: Callable[[Texts], view.Done[T]],
) -> None:
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    changed = await service.change(ctx.services, actor, edit)
    texts = await words(update, ctx)
    await message.reply_text(view.answer(texts, changed, done(texts)))


def _arg(ctx: Ctx) -> str:
    return " ".join(ctx.args or [])


async def on_time(update: Update, ctx: Ctx) -> None:
    """Set the evening time."""
    parsed = parse_time(_arg(ctx))

    def edit(chat: ChatSettings, now: datetime) -> Slot | Problem | None:
        return parsed if isinstance(parsed, Problem) else rules.set_time(chat, parsed, now)

    await _reply(update, ctx, edit, view.time_set)


async def on_timezone(update: Update, ctx: Ctx) -> None:
    """Set the couple's time zone from a zone name or a city (/timezone me: one partner's own)."""
    mine = rules.my_zone_argument(ctx.args or [])
    if mine is not None:
        await on_my_timezone(update, ctx, mine)
        return
    arg = _arg(ctx)
    # The first city look-up builds the GeoNames index (about a second): off the event loop.
    found = await asyncio.to_thread(find_zone, arg) if arg.strip() else None

    def edit(chat: ChatSettings, now: datetime) -> tuple[ZoneResult | None, Slot | None]:
        slot = rules.set_zone(chat, found.name, now) if isinstance(found, ZoneMatch) else None
        return found, slot

    await _reply(update, ctx, edit, view.zone_answer)


async def on_my_timezone(update: Update, ctx: Ctx, arg: str) -> None:
    """/timezone me [zone | off]: a partner's own zone, for the nudge's quiet hours."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    zone: str | None = service.KEEP
    if rules.clears(arg):
        zone = None
    elif arg:
        found = await asyncio.to_thread(find_zone, arg)
        if not isinstance(found, ZoneMatch):
            await message.reply_text(view.my_zone_problem(texts, found))
            return
        zone = found.name
    mine = await service.my_zone(ctx.services, actor, zone)
    await message.reply_text(view.my_zone_answer(texts, mine, changed=bool(arg)))


async def on_days(update: Update, ctx: Ctx) -> None:
    """Choose the weekdays that get a prompt."""
    parsed = parse_days(_arg(ctx))

    def edit(chat: ChatSettings, now: datetime) -> Slot | Problem | None:
        return parsed if isinstance(parsed, Problem) else rules.set_days(chat, parsed, now)

    await _reply(update, ctx, edit, view.days_set)


async def on_pause(update: Update, ctx: Ctx) -> None:
    """Pause for a while, until a date, or until /resume."""
    arg = _arg(ctx)

    def edit(chat: ChatSettings, now: datetime) -> date | Problem | None:
        parsed = parse_pause(arg, now.astimezone(ZoneInfo(chat.timezone)).date())
        if not isinstance(parsed, Problem):
            rules.pause(chat, parsed, now)
        return parsed

    await _reply(update, ctx, edit, view.paused)


async def on_resume(update: Update, ctx: Ctx) -> None:
    """End a break."""

    def edit(chat: ChatSettings, now: datetime) -> tuple[bool, Slot | None]:
        was_paused = chat.paused
        return was_paused, rules.resume(chat, now)

    await _reply(update, ctx, edit, view.resumed)


async def on_skip(update: Update, ctx: Ctx) -> None:
    """Skip the next evening prompt."""
    await _reply(update, ctx, rules.skip_next, view.skipped)


async def on_nudges(update: Update, ctx: Ctx) -> None:
    """Turn nudges on or off, or set their delay: /nudges on | off | 90m | 3h."""
    arg = _arg(ctx)

    def edit(chat: ChatSettings, _now: datetime) -> str | Problem:
        return rules.set_nudges(chat, arg)

    await _reply(update, ctx, edit, view.nudges_answer)


async def on_settings(update: Update, ctx: Ctx) -> None:
    """Show every setting with buttons for the common changes."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    overview = await service.show(ctx.services, actor)
    texts = await words(update, ctx)
    now = ctx.services.clock.now()
    await message.reply_text(
        view.overview_text(texts, overview, now),
        reply_markup=view.overview_keyboard(texts, overview),
    )


async def on_settings_button(update: Update, ctx: Ctx) -> None:
    """Apply a /settings button and refresh the message in place."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or actor is None or not actor.in_group:
        return
    action = query.data.removeprefix("set:")
    if action not in rules.BUTTONS:
        await query.answer()
        return

    def edit(chat: ChatSettings, now: datetime) -> None:
        rules.press(chat, action, now)

    changed = await service.change(ctx.services, actor, edit)
    texts = await words(update, ctx)
    if not changed.allowed or changed.overview is None or changed.now is None:
        await query.answer(texts.render("settings.not_allowed"), show_alert=True)
        return
    await query.answer(texts.render("settings.button_done"))
    await edit_in_place(
        query.edit_message_text(
            view.overview_text(texts, changed.overview, changed.now),
            reply_markup=view.overview_keyboard(texts, changed.overview),
        )
    )
