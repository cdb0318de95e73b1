"""One kind nudge for the partner who has not answered yet: rare, and never at night (pure).

"Night" is the nudged partner's: their own zone when they set one (/timezone me, for couples
apart), else the chat's. The evening prompt itself keeps to the chat's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    ripe = nudge_ripe(first_answer_at=first_answer_at, posted_at=posted_at, delay=delay, now=now)
    return ripe and not in_quiet_hours(now, zone, quiet_start, quiet_end)


def nudge_ripe(
    *, first_answer_at: datetime, posted_at: datetime, delay: timedelta, now: datetime
) -> bool:
    """Tell whether the prompt is recent and the delay since the first answer has passed."""
    return now - posted_at <= NUDGE_HORIZON and now - first_answer_at >= delay


def at_night(
    member: Member, chat_zone: str, now: datetime, quiet_start: int, quiet_end: int
) -> bool:
    """Whether it is night (the chat's quiet hours) where this partner is."""
    return in_quiet_hours(now, zone_of(member, chat_zone), quiet_start, quiet_end)


def zone_of(member: Member, chat_zone: str) -> ZoneInfo:
    """Whose night counts: the partner's own zone, else the chat's."""
    if member.timezone:
        try:
            return ZoneInfo(member.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a zone this tzdata no longer knows: the chat's is the next best guess
    return ZoneInfo(chat_zone)


@dataclass(frozen=True)
class Member:
    """A partner as the nudge rule sees them."""

    user_id: int
    name: str
    answered: bool
    timezone: str | None = None  # their own zone (/timezone me)


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
    apart: bool = False  # the prompt carries "We called": suggest a call, not "in person"
    language: str = "en"  # the chat's
