"""Private answers' Telegram work: the reveal (right after the second answer, or from the tick),
the "share anyway?" question when the window closes on one answer, and forgetting old ids.

The reveal copies each hidden answer from the partner's private chat into the group with
``copyMessage``: Telegram moves the content, the bot only names the message. A message deleted
meanwhile (400) or a bot blocked by its partner (403) cannot be copied: the reveal says that
answer was withdrawn.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import ReplyParameters
from telegram.error import TelegramError

from bot.features.private_answers import service, view
from bot.features.private_answers.service import Reveal
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import classify
from bot.library.schema import Exercise, Prompt

log = logging.getLogger(__name__)


async def reveal(services: Services, bot: Any, claimed: Reveal) -> None:
    """Post the header, then each answer as a copy replying to the prompt, in answer order.

    The reveal was claimed before this runs: whatever happens here, it happens once.
    """
    post = claimed.post
    texts = services.words_for(await services.chat_language(post.chat_id))
    below = ReplyParameters(post.message_id, allow_sending_without_reply=True)
    if claimed.how == "both":
        names = [answer.name for answer in claimed.answers]
        if len(names) >= 2:
            order = texts.render("private.order_two", first=names[0], second=names[1])
            header = texts.render_html("private.reveal_both", order=order)
        else:  # the other answered in the group, for everyone to see already
            header = texts.render_html("private.reveal_one", name=names[0])
    else:
        header = texts.render_html("private.reveal_shared", name=claimed.answers[0].name)
    states: dict[int, str] = {}
    try:
        await bot.send_message(post.chat_id, header, reply_parameters=below)
    except TelegramError as exc:
        log.warning("reveal header in chat %s not sent: %s", post.chat_id, classify(exc).reason)
    for answer in claimed.answers:
        states[answer.id] = "revealed"
        try:
            await bot.copy_message(
                chat_id=post.chat_id,
                from_chat_id=answer.user_id,
                message_id=answer.message_id,
                reply_parameters=below,
            )
            continue
        except TelegramError as exc:
            # Deleted (400), or the bot blocked in private (403): the answer was taken back.
            states[answer.id] = "withdrawn"
            log.info("private answer in chat %s not copied: %s", post.chat_id, classify(exc).reason)
        try:
            await bot.send_message(
                post.chat_id,
                texts.render_html("private.withdrawn", name=answer.name),
                reply_parameters=below,
            )
        except TelegramError as exc:
            log.warning("withdrawn note in chat %s not sent: %s", post.chat_id, exc)
    await service.revealed(services, states)


async def run_private_answers(services: Services, bot: Any) -> None:
    """The tick's share: reveals completed another way, "share anyway?" questions, old ids."""
    for claimed in await service.due_reveals(services):
        await reveal(services, bot, claimed)
    for question in await service.questions(services):
        # Asked in the private chat without an update from its person: in their group's language.
        language = await services.chat_language(question.chat_id)
        entry = services.library_for(language).get(question.entry_id or "")
        talk = entry if isinstance(entry, Prompt | Exercise) else None
        texts = services.words_for(language)
        text, keyboard = view.share_question(texts, talk, question.other, question.row_id)
        try:
            sent = await bot.send_message(question.user_id, text, reply_markup=keyboard)
        except TelegramError as exc:
            # Asked once, never again: without the tap nothing is revealed, and the id goes
            # after 48 hours anyway.
            log.info("share question not sent: %s", classify(exc).reason)
            continue
        await service.question_sent(services, question.row_id, sent.message_id)
    cleared = await service.expire(services)
    if cleared:
        log.info("private answers: %d message ids cleared after 48 hours", cleared)
