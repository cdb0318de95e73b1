"""How many commands and button presses one chat may send: a sliding window, a pure rule.

Each chat may have ``limit`` counted updates handled in any ``period``. Past that its updates
are dropped; the first one dropped gets a "slow down" notice, and no other notice follows
within ``period`` of it. Dropped updates do not count, so a chat that stops for a moment gets
its turn back as the window slides on; one that keeps flooding gets ``limit`` updates and at
most one notice a window, and silence otherwise.

Nothing here knows Telegram: the caller says which chat and when, and acts on the verdict.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

PERIOD = timedelta(minutes=1)

# Past this many chats tracked, those with nothing left in their window are forgotten.
_CHATS_KEPT = 1024


class Verdict(Enum):
    """What to do with one counted update."""

    HANDLE = "handle"  # within the budget
    NOTICE = "notice"  # over it: drop the update and say "slow down", once a window
    DROP = "drop"  # over it, already told: drop the update silently


@dataclass
class _Window:
    handled: deque[datetime] = field(default_factory=deque)
    noticed: datetime | None = None


class FloodBudget:
    """At most ``limit`` handled updates per chat in any ``period``; 0 means no limit."""

    def __init__(self, limit: int, period: timedelta = PERIOD) -> None:
        self.limit = limit
        self.period = period
        self._chats: dict[int, _Window] = {}

    def take(self, chat_id: int, now: datetime) -> Verdict:
        """Count one update of ``chat_id`` at ``now`` if the budget allows it; say what to do."""
        if self.limit <= 0:
            return Verdict.HANDLE
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) >= _CHATS_KEPT:
                self._forget_idle(now)
            window = self._chats[chat_id] = _Window()
        handled = window.handled
        while handled and handled[0] <= now - self.period:
            handled.popleft()
        if len(handled) < self.limit:
            handled.append(now)
            return Verdict.HANDLE
        if window.noticed is None or now - window.noticed >= self.period:
            window.noticed = now
            return Verdict.NOTICE
        return Verdict.DROP

    def tracked(self) -> int:
        """How many chats the budget remembers (for tests of its memory)."""
        return len(self._chats)

    def _forget_idle(self, now: datetime) -> None:
        since = now - self.period
        self._chats = {
            chat_id: window
            for chat_id, window in self._chats.items()
            if (window.handled and window.handled[-1] > since)
            or (window.noticed is not None and window.noticed > since)
        }
