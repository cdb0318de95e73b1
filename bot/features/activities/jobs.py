"""The activities' scheduled work: ask "Did you get to ...?" once a chosen activity's time has come."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError

from bot.features.activities import service
from bot.features.activities.view import follow_up
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import classify

log = logging.getLogger(__name__)


async def send_follow_ups(services: Services, bot: Any) -> int:
    """Ask "Did you get to ...?" for chosen activities whose follow-up is due."""
    sent = 0
    for due in await service.due_follow_ups(services):
        text, keyboard = follow_up(services.words_for(due.language), due.activity)
        try:
            message = await bot.send_message(due.chat_id, text, reply_markup=keyboard)
        except TelegramError as exc:
            # Claimed before sending and never retried, whatever the outcome: asking twice
            # would be worse than not asking.
            result = classify(exc)
            log.warning(
                "follow-up for chat %s not sent: %s (%s)",
                due.chat_id,
                result.outcome.value,
                result.reason,
            )
            continue
        await service.follow_up_sent(services, due.offer_id, message.message_id)
        sent += 1
    return sent
