"""The planner's rule: a due slot becomes a run, or a skipped one when it is too late (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

PENDING, SENDING, SENT = "pending", "sending", "sent"
SKIPPED, FAILED, MAYBE_SENT = "skipped", "failed", "maybe_sent"


@dataclass(frozen=True)
class NewRun:
    """A run the planner wants to exist."""

    chat_id: int
    local_date: date
    due_at: datetime
    status: str
    reason: str | None = None
    kind: str = "prompt"


def run_for(
    chat_id: int, due_at: datetime, local_date: date | None, now: datetime, catch_up: timedelta
) -> NewRun:
    """The run for a due slot: pending, or skipped when it is more than ``catch_up`` late."""
    late = now - due_at > catch_up
    return NewRun(
        chat_id=chat_id,
        local_date=local_date or due_at.date(),
        due_at=due_at,
        status=SKIPPED if late else PENDING,
        reason="late" if late else None,
    )


def next_look(due_at: datetime, now: datetime, catch_up: timedelta) -> datetime:
    """From when to look for the chat's next slot: slots still inside the catch-up window are
    planned on the next pass, older ones never."""
    return max(due_at, now - catch_up)


# A send that failed without reaching Telegram is tried again, backing off, this many times.
MAX_ATTEMPTS = 5
_MAX_BACKOFF_SECONDS = 600


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When a run that could not be sent is tried again; None once it has had its tries."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=min(2**attempts * 5, _MAX_BACKOFF_SECONDS))
