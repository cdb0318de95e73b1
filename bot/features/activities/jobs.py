"""The activities' scheduled work: ask "Did you get to ...?" once a chosen activity's time has come."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update as sql_update
from telegram.error import TelegramError

from bot.features.activities import service as activities
from bot.features.activities.view import follow_up
from bot.kernel.db.models import Suggestion
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import classify

log = logging.getLogger(__name__)


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
            # Claimed before sending and never retried, whatever the outcome: asking twice
            # would be worse than not asking.
            result = classify(exc)
            log.warning(
                "follow-up for chat %s not sent: %s (%s)",
                offer.chat_id,
                result.outcome.value,
                result.reason,
            )
            continue
        async with services.transaction() as session:
            await session.execute(
                sql_update(Suggestion)
                .where(Suggestion.id == offer.id)
                .values(follow_up_message_id=message.message_id)
            )
        sent += 1
    return sent
