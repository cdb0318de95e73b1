"""Handlers for /forget (with a confirmation) and /export (a JSON file of the chat's data)."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.features.privacy import queries as privacy
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import group_message, interaction, may_change_settings
from bot.texts import Texts

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1


def confirm_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """ "Yes, delete everything" / "Keep it"."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("privacy.button_forget"), callback_data="forget:yes"
                ),
                InlineKeyboardButton(
                    texts.render("privacy.button_keep"), callback_data="forget:no"
                ),
            ]
        ]
    )


async def on_forget(update: Update, ctx: Ctx) -> None:
    """Ask the couple to confirm deleting everything stored about the chat."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    async with interaction(update, ctx) as it:
        allowed = await may_change_settings(update, ctx, it)
    if not allowed:
        await message.reply_text(texts.render_html("privacy.not_allowed"))
        return
    await message.reply_text(
        texts.render_html("privacy.forget_confirm"), reply_markup=confirm_keyboard(texts)
    )


async def on_forget_button(update: Update, ctx: Ctx) -> None:
    """Delete everything ("Yes") or nothing ("Keep it"), and say so in place."""
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    texts = ctx.services.texts
    chat_id = query.message.chat.id
    async with interaction(update, ctx) as it:
        if not await may_change_settings(update, ctx, it):
            await query.answer(texts.render("privacy.not_allowed"), show_alert=True)
            return
        removed = await privacy.forget(it.session, chat_id) if query.data == "forget:yes" else None
    await query.answer()
    if removed is None:
        text = texts.render_html("privacy.kept")
    else:
        # Ids and counts only: what was deleted is nobody's business, not even the log's.
        log.info("forgot chat %s (%d rows)", chat_id, removed)
        text = texts.render_html("privacy.forgotten")
    await edit_in_place(query.edit_message_text(text, reply_markup=None))


async def on_export(update: Update, ctx: Ctx) -> None:
    """Send everything stored about the chat as a JSON file."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    chat_id = message.chat.id
    async with interaction(update, ctx) as it:
        allowed = await may_change_settings(update, ctx, it)
        data = await privacy.export(it.session, chat_id) if allowed else None
    if data is None:
        await message.reply_text(texts.render_html("privacy.not_allowed"))
        return
    document = {
        "format": EXPORT_FORMAT,
        "chat_id": chat_id,
        "exported_at": ctx.services.clock.now().isoformat(),
        **data,
    }
    payload = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    await ctx.bot.send_document(
        chat_id,
        InputFile(payload, filename=f"quality-time-export-{chat_id}.json"),
        caption=texts.render_html("privacy.export_caption"),
    )
    log.info("exported chat %s (%d bytes)", chat_id, len(payload))
