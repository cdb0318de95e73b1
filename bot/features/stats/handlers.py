"""Handlers for /stats, /recap and the recap's "Show us the exercise" button."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update

from bot.features.exercise import service as on_demand
from bot.features.recap import rules as recap
from bot.features.settings.handlers import problem_text
from bot.features.stats import queries
from bot.features.stats.view import stats_text, weekday_name
from bot.kernel.db.models import Chat
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import group_message, interaction, may_change_settings
from bot.kernel.telegram.posts import on_demand_keyboard
from bot.library.picker import Pick
from bot.library.render import entry_text
from bot.library.schema import Exercise
from bot.schedule.parse import Problem
from bot.schedule.slots import Slot
from bot.schedule.words import when_words
from bot.texts import Texts


async def on_stats(update: Update, ctx: Ctx) -> None:
    """Show this week's and all-time figures."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    async with interaction(update, ctx) as it:
        assert it.chat is not None
        figures = await queries.chat_stats(it.session, it.chat, ctx.services.clock.now())
    await message.reply_text(stats_text(texts, figures))


def _when(texts: Texts, chat: Chat, at: datetime, now: datetime) -> str:
    local = at.astimezone(ZoneInfo(chat.timezone)).date()
    return when_words(texts, Slot(local, at), now, chat.timezone)


def recap_status(texts: Texts, chat: Chat, now: datetime) -> str:
    """Say whether the recap is on, on which day, and when the next one comes."""
    day = weekday_name(texts, chat.recap_weekday)
    at = chat.next_recap_at or recap.next_recap(chat, now)
    if not chat.recap_enabled or at is None:
        return texts.render_html("stats.recap_status_off", day=day)
    return texts.render_html("stats.recap_status_on", day=day, when=_when(texts, chat, at, now))


async def on_recap(update: Update, ctx: Ctx) -> None:
    """Turn the weekly recap on or off, or move it to another day."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    choice = recap.parse_recap(" ".join(ctx.args or []))
    now = ctx.services.clock.now()
    async with interaction(update, ctx) as it:
        chat = it.chat
        assert chat is not None
        if isinstance(choice, Problem):
            text = problem_text(texts, choice)
        elif choice.enabled is None:
            text = recap_status(texts, chat, now)
        elif not await may_change_settings(update, ctx, it):
            text = texts.render_html("settings.not_allowed")
        else:
            at = recap.apply_recap(chat, choice, now)
            if at is None:
                text = texts.render_html("stats.recap_off")
            else:
                text = texts.render_html(
                    "stats.recap_set",
                    day=weekday_name(texts, chat.recap_weekday),
                    when=_when(texts, chat, at, now),
                )
    await message.reply_text(text)


async def on_recap_button(update: Update, ctx: Ctx) -> None:
    """Post the exercise a recap suggested, as an /exercise post, and drop the button."""
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    texts = ctx.services.texts
    entry = ctx.services.library.current.get(query.data.removeprefix("recap:ex:"))
    async with interaction(update, ctx) as it:
        if it.chat is None or it.partner is None:
            await query.answer(texts.render("stats.only_couple"), show_alert=True)
            return
    if not isinstance(entry, Exercise):
        await query.answer(texts.render("stats.exercise_gone"), show_alert=True)
        return
    await query.answer()
    # The button goes first, so a second press (or the partner's) finds nothing to press.
    await edit_in_place(query.edit_message_reply_markup(reply_markup=None))
    chat_id = query.message.chat.id
    posted = await ctx.bot.send_message(
        chat_id, entry_text(texts, entry), reply_markup=on_demand_keyboard(texts)
    )
    now = ctx.services.clock.now()
    async with ctx.services.transaction() as session:
        chat = await session.get(Chat, chat_id)
        if chat is not None:
            on_demand.record(session, chat, Pick(entry), posted.message_id, None, now)
