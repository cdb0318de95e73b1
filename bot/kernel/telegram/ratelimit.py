"""Telegram's rate limits for every Bot API call, and a way for one call to get a 429 back.

This is a ``telegram.ext.BaseRateLimiter``, PTB's public extension point for rate limiting.
Telegram counts messages in sliding windows (about 30 in any second overall, 20 in any minute
into one group). PTB's limiter uses leaky buckets, which let a full bucket's burst through at
once and keep leaking meanwhile: 30 at the start, then 30 more in that same second, which
Telegram answers with 429s. ``SlidingWindow`` holds each call's permit until ``period`` seconds
after the call has been answered, so no ``period``-long stretch can ever see more than ``limit``
calls arrive at the server, whatever the network delay — at the cost of one round trip per window
(about 99 % of the nominal rate).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.kernel.telegram.outcomes import retry_after_seconds

log = logging.getLogger(__name__)

# What a Bot API call returns, as PTB's BaseRateLimiter declares it.
Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]

# Passed as ``rate_limit_args`` by the evening sender. It cannot be 0: ExtBot drops falsy
# values and the limiter then falls back to its default retries, which would hold a whole
# fan-out (every call, in fact) behind one chat's 429.
NO_RETRIES = -1

# PTB's own threshold for tidying its per-group limiters.
_GROUPS_KEPT = 512
# Added to every RetryAfter's wait, as PTB's AIORateLimiter does.
_RETRY_MARGIN = 0.1


class SlidingWindow:
    """At most ``limit`` calls in any ``period`` seconds, counting each until ``period`` after its end."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._permits = asyncio.Semaphore(limit)
        self.held = 0  # permits taken and not yet given back (in flight or cooling down)

    async def __aenter__(self) -> None:
        await self._permits.acquire()
        self.held += 1

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # The server may have counted the call at any moment up to now; it leaves the
        # server's window no sooner than ``period`` from now.
        asyncio.get_running_loop().call_later(self.period, self._give_back)

    def _give_back(self) -> None:
        self.held -= 1
        self._permits.release()


class RateLimiter(BaseRateLimiter[int]):
    """Keeps every call under Telegram's limits; ``rate_limit_args=NO_RETRIES`` means no retry.

    A limit of 0 turns that window off. A RetryAfter holds every call back for the time it asks
    for and is then retried, up to ``max_retries`` times (or ``rate_limit_args`` times).
    """

    def __init__(
        self,
        overall_max_rate: int = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: int = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 0,
        paid_max_rate: int = FloodLimit.PAID_MESSAGES_PER_SECOND,
    ) -> None:
        self._overall = SlidingWindow(overall_max_rate, 1.0) if overall_max_rate else None
        # Paid broadcasts have a limit of their own and do not count against the free ones.
        self._paid = SlidingWindow(paid_max_rate, 1.0) if paid_max_rate else None
        self._group_rate = group_max_rate
        self._groups: dict[str | int, SlidingWindow] = {}
        self._max_retries = max_retries
        # Set unless a RetryAfter holds every call back; set again by a timer.
        self._running = asyncio.Event()
        self._running.set()
        self._paused_until = 0.0  # event-loop time
        self._resume: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Drop a pause still running, so a restart does not begin held back."""
        if self._resume is not None:
            self._resume.cancel()
            self._resume = None
        self._paused_until = 0.0
        self._running.set()

    def _group_window(self, group: str | int) -> SlidingWindow:
        window = self._groups.get(group)
        if window is None:
            if len(self._groups) > _GROUPS_KEPT:
                self._groups = {key: w for key, w in self._groups.items() if w.held}
            window = self._groups[group] = SlidingWindow(self._group_rate, 60.0)
        return window

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Apply the limits; with NO_RETRIES a RetryAfter goes straight to the caller."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # A string chat id names a channel or supergroup; a negative one a group or channel.
        group = (
            chat_id
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            else None
        )
        paid = bool(data.get("allow_paid_broadcast", False))
        if rate_limit_args == NO_RETRIES:
            # The caller handles 429s itself: no retry, and no pause for everyone else either.
            return await self._run(self._windows(chat_id, group, paid), callback, args, kwargs)
        retries = max(rate_limit_args or self._max_retries, 0)
        for attempt in range(retries + 1):
            try:
                windows = self._windows(chat_id, group, paid)
                return await self._run(windows, callback, args, kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s: rate limit hit after %d retries", endpoint, retries)
                    raise
                wait = retry_after_seconds(exc) + _RETRY_MARGIN
                log.info("%s: rate limit hit, every call waits %.1f s", endpoint, wait)
                self._pause(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _windows(self, chat_id: object, group: str | int | None, paid: bool) -> list[SlidingWindow]:
        if paid:
            return [self._paid] if self._paid is not None else []
        # The group's window first, so a wait there holds no overall slot.
        windows: list[SlidingWindow] = []
        if group is not None and self._group_rate:
            windows.append(self._group_window(group))
        if chat_id is not None and self._overall is not None:
            windows.append(self._overall)
        return windows

    async def _run(
        self, windows: list[SlidingWindow], callback: Callback, args: Any, kwargs: dict[str, Any]
    ) -> Result:
        async with contextlib.AsyncExitStack() as stack:
            for window in windows:
                await stack.enter_async_context(window)
            await self._running.wait()
            return await callback(*args, **kwargs)

    def _pause(self, seconds: float) -> None:
        """Hold every call back for ``seconds``, or longer if another 429 asked for more."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        if until <= self._paused_until:
            return
        self._paused_until = until
        self._running.clear()
        if self._resume is not None:
            self._resume.cancel()
        self._resume = loop.call_later(seconds, self._running.set)
