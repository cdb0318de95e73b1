"""Handlers for /exercise and its "Another one" / "We did this" buttons."""

from __future__ import annotations

import logging

from telegram import Update

from bot.features.exercise import service as on_demand
from bot.kernel.db.models import Chat
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import group_message, interaction
from bot.kernel.telegram.posts import on_demand_keyboard
from bot.library.picker import Pick
from bot.library.render import entry_text
from bot.library.schema import Exercise, Prompt

log = logging.getLogger(__name__)


async def on_exercise(update: Update, ctx: Ctx) -> None:
    """Post a prompt or guided exercise now, optionally on one topic."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    typed = " ".join(ctx.args or [])
    category = on_demand.find_category(typed, texts) if typed else None
    if typed and category is None:
        await message.reply_text(
            texts.render_html(
                "exercise.unknown_category",
                given=typed[:40],
                categories=on_demand.category_list(texts),
            )
        )
        return
    library = ctx.services.library.current
    now = ctx.services.clock.now()
    async with interaction(update, ctx) as it:
        assert it.chat is not None
        chosen = await on_demand.choose(it.session, it.chat, library, category, now)
    if isinstance(chosen, on_demand.Limited):
        await message.reply_text(texts.render_html(chosen.key))
        return
    posted = await ctx.bot.send_message(
        message.chat.id, _text(ctx, chosen), reply_markup=on_demand_keyboard(texts)
    )
    # Recorded after the send so no database lock is held while Telegram answers.
    async with ctx.services.transaction() as session:
        chat = await session.get(Chat, message.chat.id)
        if chat is not None:
            on_demand.record(session, chat, chosen, posted.message_id, category, now)


def _text(ctx: Ctx, chosen: Pick) -> str:
    entry = chosen.entry
    assert isinstance(entry, Prompt | Exercise)
    return entry_text(ctx.services.texts, entry)


async def on_exercise_button(update: Update, ctx: Ctx) -> None:
    """Handle "Another one" (edit in place) and "We did this" (record it)."""
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    texts = ctx.services.texts
    action = query.data.removeprefix("ex:")
    now = ctx.services.clock.now()
    library = ctx.services.library.current
    async with interaction(update, ctx) as it:
        if it.chat is None or it.partner is None:
            await query.answer(texts.render("exercise.only_couple"), show_alert=True)
            return
        post = await on_demand.find_post(it.session, it.chat.id, query.message.message_id)
        if post is None:
            await query.answer(texts.render("exercise.gone"), show_alert=True)
            return
        if action == "done":
            first = on_demand.mark_done(post, now)
            entry = library.get(post.entry_id or "")
            result: Pick | on_demand.Limited | None = None
        else:
            result = await on_demand.another(it.session, it.chat, post, library, now)
    if action == "done":
        await query.answer(
            texts.render("exercise.did_this_thanks" if first else "exercise.already_done")
        )
        if first and isinstance(entry, Prompt | Exercise):
            done = entry_text(texts, entry) + "\n\n" + texts.render_html("exercise.done_line")
            await edit_in_place(query.edit_message_text(done, reply_markup=None))
        return
    if isinstance(result, on_demand.Limited):
        await query.answer(texts.render(result.key))
        return
    assert isinstance(result, Pick)
    await query.answer()
    await edit_in_place(
        query.edit_message_text(_text(ctx, result), reply_markup=on_demand_keyboard(texts))
    )
