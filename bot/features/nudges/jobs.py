"""Send the nudges the rules allow (one per prompt, as a reply to it)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import ReplyParameters
from telegram.error import TelegramError

from bot.features.nudges import service
from bot.features.nudges.view import nudge_text
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import classify

log = logging.getLogger(__name__)


async def send_nudges(services: Services, bot: Any) -> int:
    """Claim due nudges and send each; a failed one is not retried (one nudge at most)."""
    sent = 0
    for nudge in await service.due_nudges(services):
        text = nudge_text(services.words_for(nudge.language), nudge)
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
            # Claimed before sending and never retried, whatever the outcome: a nudge twice
            # would nag, and one missed is no loss.
            result = classify(exc)
            log.warning(
                "nudge for chat %s not sent: %s (%s)",
                nudge.chat_id,
                result.outcome.value,
                result.reason,
            )
    return sent
