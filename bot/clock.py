"""Time as a dependency, so tests and the demo can move it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """Return the current time."""
        ...

    async def sleep_until(self, moment: datetime) -> None:
        """Return at ``moment`` (at once if it has passed)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)

    async def sleep_until(self, moment: datetime) -> None:
        """Wait for ``moment`` on the wall clock."""
        delay = (moment - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class ManualClock:
    """A clock that only moves when told to (tests and the demo)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the simulated time."""
        return self._now

    async def sleep_until(self, moment: datetime) -> None:
        """Jump to ``moment`` if it is ahead: simulated time passes at once."""
        if moment > self._now:
            self._now = moment.astimezone(UTC)
        await asyncio.sleep(0)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward and return the new time."""
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment (never backwards: the scheduler assumes time moves on)."""
        moment = moment.astimezone(UTC)
        if moment < self._now:
            raise ValueError("time does not go backwards")
        self._now = moment
