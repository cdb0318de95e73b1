"""One kind nudge for the partner who has not answered yet: rare, and never at night (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedule.slots import in_quiet_hours

# A prompt older than this is yesterday's news: no nudge about it any more.
NUDGE_HORIZON = timedelta(hours=18)
SHORTEST_DELAY = timedelta(minutes=15)


def nudge_due(
    *,
    first_answer_at: datetime,
    posted_at: datetime,
    delay: timedelta,
    now: datetime,
    zone: ZoneInfo,
    quiet_start: int,
    quiet_end: int,
) -> bool:
    """Tell whether a nudge may go out now."""
    if now - posted_at > NUDGE_HORIZON:
        return False
    if now - first_answer_at < delay:
        return False
    return not in_quiet_hours(now, zone, quiet_start, quiet_end)


@dataclass(frozen=True)
class Member:
    """A partner as the nudge rule sees them."""

    user_id: int
    name: str
    answered: bool


def who(partners: Sequence[Member]) -> tuple[Member, Member] | None:
    """The partner who answered and the one who has not (None unless it is one of each)."""
    answered = [p for p in partners if p.answered]
    waiting = [p for p in partners if not p.answered]
    if len(partners) < 2 or len(answered) != 1 or len(waiting) != 1:
        return None
    return answered[0], waiting[0]


@dataclass(frozen=True)
class Nudge:
    """A nudge to send: which prompt, who answered, who is gently reminded."""

    chat_id: int
    prompt_message_id: int
    answered: str
    waiting_name: str
    waiting_user_id: int
