"""Handlers for /stats, /recap and the recap's "Show us the exercise" button."""

from __future__ import annotations

from telegram import Update

from bot.features.exercise import service as exercise
from bot.features.looking_back import service
from bot.features.looking_back.rules import parse_recap
from bot.features.looking_back.view import (
    PICTURE_NAME,
    RECAP_BUTTON,
    calendar_text,
    recap_answer,
    stats_text,
)
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words
from bot.kernel.telegram.photos import send_with_picture
from bot.kernel.telegram.posts import on_demand_keyboard
from bot.library.picker import Pick
from bot.library.render import entry_text
from bot.library.schema import Exercise
from bot.schedule.parse import Problem
from bot.schedule.words import problem_text


async def on_stats(update: Update, ctx: Ctx) -> None:
    """Show this week's and all-time figures under the last weeks' calendar."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    overview = await service.figures(ctx.services, actor)
    calendar = overview.calendar
    await send_with_picture(
        ctx.bot,
        message.chat.id,
        picture=await service.picture(ctx.services, overview.chat_id, calendar),
        text=stats_text(texts, overview.stats, calendar),
        short=calendar_text(texts, calendar, "stats.calendar_short"),
        filename=PICTURE_NAME,
    )


async def on_recap(update: Update, ctx: Ctx) -> None:
    """Turn the weekly recap on or off, or move it to another day."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    choice = parse_recap(" ".join(ctx.args or []))
    if isinstance(choice, Problem):
        await message.reply_text(problem_text(texts, choice))
        return
    answer = await service.recap(ctx.services, actor, choice)
    await message.reply_text(recap_answer(texts, answer))


async def on_recap_button(update: Update, ctx: Ctx) -> None:
    """Post the exercise a recap suggested, as an /exercise post, and drop the button."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or query.message is None or actor is None:
        return
    texts = await words(update, ctx)
    entry = ctx.services.library.current.get(query.data.removeprefix(RECAP_BUTTON))
    if not await service.is_partner(ctx.services, actor):
        await query.answer(texts.render("stats.only_couple"), show_alert=True)
        return
    if not isinstance(entry, Exercise):
        await query.answer(texts.render("stats.exercise_gone"), show_alert=True)
        return
    await query.answer()
    # The button goes first, so a second press (or the partner's) finds nothing to press.
    await edit_in_place(query.edit_message_reply_markup(reply_markup=None))
    chat_id = query.message.chat.id
    shown = ctx.services.in_language(entry, texts.language)
    posted = await ctx.bot.send_message(
        chat_id, entry_text(texts, shown), reply_markup=on_demand_keyboard(texts)
    )
    await exercise.record(ctx.services, chat_id, Pick(entry), posted.message_id, None)
