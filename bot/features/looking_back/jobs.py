"""The weekly recap, sent by the tick: claim each due recap once, then post it.

A claim moves ``next_recap_at`` to next week with a conditional update, so two replicas never
send two recaps; it is committed before anything is sent. A recap is skipped (it simply waits
for next week) when it is over ``RECAP_LATE_LIMIT`` late, while the chat is on a break, or when
the week holds too little to look back on. A 429 or a send that never left hands the claim
back, so a later tick tries again until the recap is too late.

A recap is the evenings calendar with the words under it (the words alone when the picture
cannot be made). On its evening a quiet chat's activity offer is not posted by the evening
sender: the recap carries it, lines and buttons, and records it as that evening's offer, so the
couple get one message instead of two a minute apart. (A recap skipped as too late takes that
evening's offer with it; the next evening, still quiet, brings one.)
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.features.looking_back import service
from bot.features.looking_back.service import Draft
from bot.features.looking_back.view import (
    PICTURE_NAME,
    calendar_text,
    idea_text,
    recap_offer,
    recap_text,
)
from bot.kernel.services import Services
from bot.kernel.telegram.outcomes import Outcome, classify
from bot.kernel.telegram.photos import send_with_picture

log = logging.getLogger(__name__)


async def send_recaps(services: Services, bot: Any, *, concurrency: int = 16) -> int:
    """Send every weekly recap that is due now; return how many were posted."""
    outcomes: Counter[str] = Counter()
    retry: list[Draft] = []
    slots = asyncio.Semaphore(concurrency)
    more = True
    while more:
        drafts, more = await service.claim_recaps(services, outcomes)
        results = await asyncio.gather(*(_send(services, bot, d, slots) for d in drafts))
        for draft, result in zip(drafts, results, strict=True):
            outcomes[result] += 1
            if result == "retry":
                retry.append(draft)
    if retry:
        # Handed back only now, so this pass does not pick them straight up again.
        await service.hand_back(services, retry)
    if outcomes:
        log.info("weekly recaps: %s", dict(outcomes))
    return outcomes["sent"]


async def _send(services: Services, bot: Any, draft: Draft, slots: asyncio.Semaphore) -> str:
    """Post one recap with its calendar picture; return the outcome's name."""
    texts = services.words_for(draft.language)
    keyboard: InlineKeyboardMarkup | None
    if draft.offer is not None:
        shown = tuple(services.in_language(a, draft.language) for a in draft.offer.activities)
        suggestion, keyboard = recap_offer(texts, shown)
    else:
        suggestion, keyboard = idea_text(texts, draft.idea)
    text = recap_text(
        texts, draft.stats, draft.calendar, suggestion, tonight=draft.offer is not None
    )
    async with slots:
        picture = await service.picture(services, draft.chat_id, draft.calendar)
        try:
            posted = await send_with_picture(
                bot,
                draft.chat_id,
                picture=picture,
                text=text,
                short=calendar_text(texts, draft.calendar, "stats.calendar_short"),
                reply_markup=keyboard,
                filename=PICTURE_NAME,
            )
        except TelegramError as exc:
            error = exc
        else:
            try:
                await service.offer_posted(services, draft, posted.message_id)
            except Exception:
                # The recap is out and its claim moved on: a lost offer record costs its
                # buttons ("already answered"), a raised error would cost the other recaps.
                log.exception("chat %s: the offer in the recap was not recorded", draft.chat_id)
            return "sent"
    result = classify(error)
    match result.outcome:
        case Outcome.RETRY_AFTER | Outcome.NOT_SENT:
            # The claim is handed back: a later tick tries again until the recap is too late.
            return "retry"
        case Outcome.CHAT_MOVED if result.new_chat_id is not None:
            await service.chat_moved(services, draft, result.new_chat_id)
            return "migrated"
        case Outcome.CHAT_GONE:
            await service.chat_gone(services, draft.chat_id)
            return "forbidden"
        case Outcome.MAYBE_SENT:
            # It may have been posted: a second recap would be worse than a missing one.
            return "maybe_sent"
        case _:
            log.error("chat %s: Telegram refused the weekly recap: %s", draft.chat_id, error)
            return "failed"
