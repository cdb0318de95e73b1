"""The one error handler: log with the exception, answer kindly, never leak a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.kernel.db.members import NotAMemberError
from bot.kernel.services import Ctx

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: Ctx) -> None:
    """Log the failure (ids only, never message text) and tell the chat something went wrong."""
    error = ctx.error
    if not isinstance(update, Update):
        # Errors outside an update (polling hiccups, jobs) have nobody to answer.
        log.error("error outside an update: %s", type(error).__name__, exc_info=error)
        return
    chat = update.effective_chat
    if isinstance(error, NotAMemberError):
        log.info(
            "update %s from chat %s ignored: the bot is not a member",
            update.update_id,
            error.chat_id,
        )
        return
    log.error(
        "update %s in chat %s failed: %s",
        update.update_id,
        chat.id if chat else None,
        type(error).__name__,
        exc_info=error,
    )
    if chat is None or isinstance(error, Forbidden | NetworkError):
        # Nobody to tell, or telling them would fail the same way.
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(ctx.services.texts.render("errors.generic"))
        elif update.effective_message is not None:
            await ctx.bot.send_message(chat.id, ctx.services.texts.render_html("errors.generic"))
    except TelegramError:
        log.warning("could not tell chat %s about the failure", chat.id)
