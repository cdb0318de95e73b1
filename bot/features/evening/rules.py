"""The planner's rules (pure): a due slot becomes a run, or a skipped one when it is too late;
a crowd due at one moment is sent in a fair order, spread around that moment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
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
    not_before: datetime | None = None  # when its send is planned; None: at ``due_at``


def run_for(
    chat_id: int,
    due_at: datetime,
    local_date: date | None,
    now: datetime,
    catch_up: timedelta,
    send_at: datetime | None = None,
) -> NewRun:
    """The run for a due slot: pending, or skipped when it is more than ``catch_up`` late.

    ``send_at`` is its place in the crowd's schedule (``send_times``); the local date it
    belongs to stays the slot's, however early or late it goes out.
    """
    late = now - due_at > catch_up
    return NewRun(
        chat_id=chat_id,
        local_date=local_date or due_at.date(),
        due_at=due_at,
        status=SKIPPED if late else PENDING,
        reason="late" if late else None,
        not_before=send_at,
    )


# A crowd never starts more than this before its chosen time, however large it is.
MAX_EARLY = timedelta(minutes=10)


def lead(crowd: int, rate: float) -> timedelta:
    """How early a crowd of ``crowd`` prompts starts at ``rate`` a second: half the time
    it takes to send, so the chosen moment falls in the middle (at most ``MAX_EARLY``)."""
    # Whole microseconds, rounded down: never earlier than needed.
    return min(timedelta(microseconds=crowd * 1_000_000 // (2 * rate)), MAX_EARLY)


def send_times(due_at: datetime, crowd: int, rate: float) -> list[datetime]:
    """When each of a crowd's prompts is sent, in order: ``1/rate`` apart, centred on ``due_at``.

    The first goes ``lead`` early and the last about as late, so none is further from the
    chosen moment than N/(2R), where sending them all from that moment on would take the last
    one N/R late.
    """
    start = due_at - lead(crowd, rate)
    return [start + timedelta(seconds=i / rate) for i in range(crowd)]


def crowd_order(chat_ids: Iterable[int], due_at: datetime) -> list[int]:
    """The order a crowd is sent in: a shuffle drawn afresh for every moment, so the couples
    at the end of one evening's crowd are not the ones at the end of the next."""
    seed = due_at.isoformat().encode()

    def draw(chat_id: int) -> bytes:
        return hashlib.blake2b(str(chat_id).encode(), digest_size=8, key=seed[:64]).digest()

    return sorted(chat_ids, key=lambda chat_id: (draw(chat_id), chat_id))


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
