"""Send the nudges the rules allow (one per prompt, as a reply to it)."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from sqlalchemy import update as sql_update
from telegram import ReplyParameters
from telegram.error import TelegramError

from bot.features.activities import service as activities
from bot.features.evening.view import follow_up
from bot.features.nudges.service import claim_nudges
from bot.kernel.db.models import Suggestion
from bot.kernel.services import Services

log = logging.getLogger(__name__)


async def send_nudges(services: Services, bot: Any) -> int:
    """Claim due nudges and send each; a failed one is not retried (one nudge at most)."""
    now = services.clock.now()
    async with services.transaction() as session:
        nudges = await claim_nudges(session, now)
    sent = 0
    for nudge in nudges:
        mention = f'<a href="tg://user?id={nudge.waiting_user_id}">{escape(nudge.waiting_name)}</a>'
        text = services.texts.render(
            "answers.nudge", mention=mention, answered=escape(nudge.answered)
        )
        try:
            await bot.send_message(
                nudge.chat_id,
                text,
                reply_parameters=ReplyParameters(
                    nudge.prompt_message_id, allow_sending_without_reply=True
                ),
            )
            sent += 1
        except TelegramError as exc:
            log.warning("nudge for chat %s not sent: %s", nudge.chat_id, exc)
    return sent


async def send_follow_ups(services: Services, bot: Any) -> int:
    """Ask "Did you get to ...?" for chosen activities whose follow-up is due."""
    now = services.clock.now()
    library = services.library.current
    async with services.transaction() as session:
        claimed = await activities.claim_follow_ups(session, now)
        rows = [await session.get(Suggestion, i) for i in claimed]
    sent = 0
    for offer in rows:
        if offer is None:
            continue
        activity = activities.activity_of(library, offer.chosen_id)
        if activity is None:
            continue
        text, keyboard = follow_up(services.texts, activity)
        try:
            message = await bot.send_message(offer.chat_id, text, reply_markup=keyboard)
        except TelegramError as exc:
            log.warning("follow-up for chat %s not sent: %s", offer.chat_id, exc)
            continue
        async with services.transaction() as session:
            await session.execute(
                sql_update(Suggestion)
                .where(Suggestion.id == offer.id)
                .values(follow_up_message_id=message.message_id)
            )
        sent += 1
    return sent
