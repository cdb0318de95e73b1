"""Handlers for /forget (with a confirmation) and /export (a JSON file of the chat's data)."""

from __future__ import annotations

import logging

from telegram import InputFile, Message, Update

from bot.features.privacy import service
from bot.features.privacy.view import confirm_keyboard, refusal
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words

log = logging.getLogger(__name__)


async def on_forget(update: Update, ctx: Ctx) -> None:
    """Ask the couple to confirm deleting everything stored about the chat."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    asked = await service.ask_forget(ctx.services, actor)
    if asked is None:
        await message.reply_text(texts.render_html("privacy.not_allowed"))
        return
    question = await message.reply_text(
        texts.render_html("privacy.forget_confirm"),
        reply_markup=confirm_keyboard(texts, asked.token),
    )
    await service.question_posted(ctx.services, asked.id, question.message_id)


async def on_forget_button(update: Update, ctx: Ctx) -> None:
    """Delete everything ("Yes") or nothing ("Keep it"), and say so in place."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or actor is None or not actor.in_group:
        return
    texts = await words(update, ctx)
    if not isinstance(query.message, Message):
        await query.answer(refusal(texts, "unknown"), show_alert=True)
        return
    _prefix, answer, token = query.data.split(":", 2)
    decided = await service.decide(
        ctx.services, actor, query.message.message_id, token, delete=answer == "yes"
    )
    if decided.state == "forgotten":
        # Ids and counts only: what was deleted is nobody's business, not even the log's.
        log.info("forgot chat %s (%d rows)", actor.chat_id, decided.removed)
        text = texts.render_html("privacy.forgotten")
    elif decided.state == "kept":
        text = texts.render_html("privacy.kept")
    else:
        await query.answer(refusal(texts, decided.state), show_alert=True)
        return
    await query.answer()
    await edit_in_place(query.edit_message_text(text, reply_markup=None))


async def on_export(update: Update, ctx: Ctx) -> None:
    """Send everything stored about the chat as a JSON file."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    exported = await service.export(ctx.services, actor)
    if exported is None:
        await message.reply_text(texts.render_html("privacy.not_allowed"))
        return
    await ctx.bot.send_document(
        actor.chat_id,
        InputFile(exported.payload, filename=exported.filename),
        caption=texts.render_html("privacy.export_caption"),
    )
    log.info("exported chat %s (%d bytes)", actor.chat_id, len(exported.payload))
