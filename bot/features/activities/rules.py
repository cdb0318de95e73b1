"""When the chat goes quiet, stop asking and suggest time together instead (pure rules).

- Quiet: the last ``QUIET_EVENINGS`` evening prompts were not answered by both partners, or
  nobody has answered anything for ``QUIET_DAYS`` days (counted from the chat's start when
  nobody ever answered, and only once at least one prompt went out). Only what happened since
  the last activity offer counts, so after an offer the couple gets fresh evenings to answer.
- A quiet evening brings an activity suggestion instead of a question, unless a "Not now"
  cooldown is running (then questions go on as usual).
- While a suggestion waits for a choice, or a chosen activity waits for its follow-up, the
  evenings rest: no question, no new suggestion. Answering again ends the rest at once, as
  does the follow-up's answer; a rest never lasts longer than ``MAX_REST``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

QUIET_EVENINGS = 3
QUIET_DAYS = 4
COOLDOWN = timedelta(days=4)
FOLLOW_UP_AFTER = timedelta(days=3)
MAX_REST = timedelta(days=7)


class Evening(StrEnum):
    """What an evening slot brings."""

    PROMPT = "prompt"
    ACTIVITY = "activity"
    REST = "rest"


@dataclass(frozen=True)
class ChatPulse:
    """Everything the rule needs about one chat, as plain values."""

    started_at: datetime
    # Newest first: when each recent evening prompt went out, and whether both answered it.
    recent: tuple[tuple[datetime, bool], ...] = ()
    evenings_posted: int = 0
    last_answer_at: datetime | None = None
    cooldown_until: datetime | None = None
    open_suggestion_at: datetime | None = None  # offered, no choice yet
    chosen_at: datetime | None = None  # chosen, follow-up not answered yet
    last_offer_at: datetime | None = None  # the last quiet-evening offer, whatever came of it


def is_quiet(pulse: ChatPulse, now: datetime) -> bool:
    """Tell whether the chat has gone quiet."""
    offer = pulse.last_offer_at
    recent = [together for posted, together in pulse.recent if offer is None or posted > offer]
    recent = recent[:QUIET_EVENINGS]
    if len(recent) == QUIET_EVENINGS and not any(recent):
        return True
    if pulse.evenings_posted == 0:
        return False
    since = max(m for m in (pulse.last_answer_at, pulse.started_at, offer) if m is not None)
    return now - since >= timedelta(days=QUIET_DAYS)


def plan_evening(pulse: ChatPulse, now: datetime) -> Evening:
    """Decide what tonight brings."""
    last = pulse.last_answer_at
    # An ignored suggestion rests as long as a "Not now" would; a chosen activity until its
    # follow-up is answered (or a week has passed).
    for waiting, limit in ((pulse.open_suggestion_at, COOLDOWN), (pulse.chosen_at, MAX_REST)):
        if waiting is not None and now - waiting < limit and not (last and last >= waiting):
            return Evening.REST
    if not is_quiet(pulse, now):
        return Evening.PROMPT
    if pulse.cooldown_until is not None and now < pulse.cooldown_until:
        return Evening.PROMPT
    return Evening.ACTIVITY
