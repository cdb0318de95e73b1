"""Buttons the bot did not offer: a press counts only with data its own message carries.

Anyone can send a callback query with made-up data for any of the bot's messages. Telegram
hands over the pressed message as it is now, keyboard included, so the one check every button
family shares is that the data is one of that message's buttons. What is left (a family's
own strict pattern, the message kind, a stored question's token) each handler checks itself.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.kernel.services import Ctx
from bot.kernel.telegram.interaction import quick_words

log = logging.getLogger(__name__)


def offered(query: CallbackQuery) -> bool:
    """Whether the pressed data is one of the buttons on the message it came from."""
    message, data = query.message, query.data
    if not isinstance(message, Message) or not data or message.reply_markup is None:
        return False
    rows = message.reply_markup.inline_keyboard
    return any(button.callback_data == data for row in rows for button in row)


async def refuse(update: Update, ctx: Ctx) -> None:
    """Answer a press the bot cannot act on with a short alert; change nothing."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(quick_words(update, ctx).render("errors.unknown_button"), show_alert=True)


async def on_any_button(update: Update, ctx: Ctx) -> None:
    """Before any family's handler: refuse data the pressed message does not carry."""
    query = update.callback_query
    if query is None or offered(query):
        return
    log.info("refused a button the message does not offer (%d bytes)", len(query.data or ""))
    await refuse(update, ctx)
    raise ApplicationHandlerStop
