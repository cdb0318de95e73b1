"""Editing the bot's own messages in place, where an edit that changes nothing is normal."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest


async def edit_in_place(call: Awaitable[object]) -> None:
    """Await an edit; Telegram's "message is not modified" is not an error here.

    Two presses or two answers racing (or a button that changes nothing, such as "Every day"
    twice) render the same text again, and Telegram refuses an edit to what a message already
    says. Every other failure is the caller's to handle.
    """
    try:
        await call
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit a message's text and buttons in place; the bot's defaults (the parse mode) apply."""
    await edit_in_place(
        bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
    )
