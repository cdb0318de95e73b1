"""The planner: turn due chats into runs, one per chat and local date, whatever happens."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.features.evening import queries as runs
from bot.features.evening.rules import SKIPPED, NewRun, next_look, run_for
from bot.kernel.services import Session
from bot.schedule.plan import reschedule

log = logging.getLogger(__name__)


@dataclass
class PlanResult:
    """What one planning pass did."""

    planned: int = 0
    skipped_late: int = 0
    already_planned: int = 0

    @property
    def chats(self) -> int:
        """How many due chats were looked at."""
        return self.planned + self.skipped_late + self.already_planned


async def plan(
    session: Session, now: datetime, *, catch_up: timedelta, limit: int = 2000
) -> PlanResult:
    """Create runs for chats whose slot has come; move each chat on to its next slot.

    A slot more than ``catch_up`` late (the bot was down) is recorded as skipped rather than
    sent at an odd hour. The run's (chat, local date) key is unique, so two replicas planning
    at once, or a restart mid-pass, cannot create a second prompt for the same evening.
    """
    result = PlanResult()
    chats = await runs.due_chats(session, now, limit)
    planned: list[NewRun] = []
    for chat in chats:
        assert chat.next_send_at is not None
        planned.append(run_for(chat.id, chat.next_send_at, chat.next_slot_date, now, catch_up))
    # One statement for the whole batch: a round trip per chat made planning 10,000 due chats
    # take seconds.
    inserted = await runs.add_runs(session, planned)
    for chat, run in zip(chats, planned, strict=True):
        if (run.chat_id, run.local_date) not in inserted:
            result.already_planned += 1
        elif run.status == SKIPPED:
            result.skipped_late += 1
        else:
            result.planned += 1
        chat.last_slot_date = run.local_date
        if chat.skip_date is not None and chat.skip_date <= run.local_date:
            chat.skip_date = None
        if chat.paused and chat.paused_until is not None and chat.paused_until <= now:
            chat.paused, chat.paused_until = False, None
        reschedule(chat, next_look(run.due_at, now, catch_up))
    if result.skipped_late:
        log.warning(
            "skipped %d evening prompts that were over %s late", result.skipped_late, catch_up
        )
    return result
