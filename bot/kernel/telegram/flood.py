"""One chat's flood of commands or button presses is cut short before any handler sees it.

A member (a partner or a guest: the budget is the chat's) sending hundreds of ``/exercise`` would
otherwise get hundreds of answers, dripping out at Telegram's 20 a minute into a group. This
handler runs first (group -2) for every update and, past the chat's budget
(``bot.kernel.telegram.budget``), drops the update with ``ApplicationHandlerStop``: the first
one dropped in a window gets one short "slow down" notice (a message, or the toast of the
pressed button); later ones get silence (a pressed button is answered without a word, so its
spinner stops).

Only commands to this bot and button presses count. Plain messages and replies do not: when the
bot sees every message a partner may write a great many of them, and they never make the bot
post anything more than the one status edit of the evening.
"""

from __future__ import annotations

import logging

from telegram import MessageEntity, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.kernel.services import Ctx
from bot.kernel.telegram.budget import FloodBudget, Verdict
from bot.kernel.telegram.interaction import quick_words

log = logging.getLogger(__name__)


class FloodGate:
    """The handler's callback: count the update against its chat's budget, drop it if over."""

    def __init__(self, limit: int) -> None:
        self.budget = FloodBudget(limit)

    async def __call__(self, update: Update, ctx: Ctx) -> None:
        """Let the update through, or drop it (telling the chat once a window)."""
        chat = update.effective_chat
        if chat is None or not counts(update, ctx.bot.username):
            return
        verdict = self.budget.take(chat.id, ctx.services.clock.now())
        if verdict is Verdict.HANDLE:
            return
        if verdict is Verdict.NOTICE:
            # The chat id only: never what anyone wrote.
            log.info(
                "chat %s is over its flood limit: its commands and buttons are dropped for now",
                chat.id,
            )
        else:
            log.debug("chat %s: an update dropped (over its flood limit)", chat.id)
        await _tell(update, ctx, chat.id, notice=verdict is Verdict.NOTICE)
        raise ApplicationHandlerStop


async def _tell(update: Update, ctx: Ctx, chat_id: int, *, notice: bool) -> None:
    texts = quick_words(update, ctx)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.render("errors.slow_down") if notice else None)
        elif notice:
            await ctx.bot.send_message(chat_id, texts.render_html("errors.slow_down"))
    except TelegramError as exc:
        log.info("chat %s: could not answer a dropped update: %s", chat_id, type(exc).__name__)


def counts(update: Update, bot_username: str | None) -> bool:
    """Whether the update spends the chat's budget: a button press, or a command to this bot."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None or not message.text or not message.entities:
        return False
    first = message.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return False
    _, _, addressee = message.parse_entity(first).partition("@")
    return not addressee or (bot_username is not None and addressee.lower() == bot_username.lower())


def flood_handler(limit: int) -> TypeHandler[Update, Ctx, None]:
    """The handler to register first (group -2), before every other one; 0 turns the limit off."""
    return TypeHandler(Update, FloodGate(limit))
