"""PTB's AIORateLimiter with strict sliding windows, and a way for one call to get a 429 back.

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
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from telegram._utils.types import JSONDict
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

# Passed as ``rate_limit_args`` by the evening sender. It cannot be 0: ExtBot drops falsy
# values and the limiter then falls back to its default retries, which would hold a whole
# fan-out (every call, in fact) behind one chat's 429.
NO_RETRIES = -1

# PTB's own threshold for tidying its per-group limiters.
_GROUPS_KEPT = 512


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


class RateLimiter(AIORateLimiter):
    """Keeps every call under Telegram's limits; ``rate_limit_args=NO_RETRIES`` means no retry."""

    def __init__(
        self,
        overall_max_rate: int = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: int = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 0,
    ) -> None:
        super().__init__(max_retries=max_retries)
        self._overall = SlidingWindow(overall_max_rate, 1.0)
        self._group_rate = group_max_rate
        self._groups: dict[str | int, SlidingWindow] = {}

    def _group_window(self, group: str | int) -> SlidingWindow:
        window = self._groups.get(group)
        if window is None:
            if len(self._groups) > _GROUPS_KEPT:
                self._groups = {key: w for key, w in self._groups.items() if w.held}
            window = self._groups[group] = SlidingWindow(self._group_rate, 60.0)
        return window

    async def _run_request(
        self,
        chat: bool,
        group: str | int | bool,
        allow_paid_broadcast: bool,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        """Like PTB's, with sliding windows: the group's first, so a wait there holds no global slot."""
        if allow_paid_broadcast:
            return await super()._run_request(
                chat, group, allow_paid_broadcast, callback, args, kwargs
            )
        async with contextlib.AsyncExitStack() as windows:
            if not isinstance(group, bool):
                await windows.enter_async_context(self._group_window(group))
            if chat:
                await windows.enter_async_context(self._overall)
            await self._retry_after_event.wait()
            return await callback(*args, **kwargs)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Apply the limits; with NO_RETRIES a RetryAfter goes straight to the caller."""
        if rate_limit_args != NO_RETRIES:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group = (
            chat_id
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            else False
        )
        # _run_request applies the overall and per-group limits once, without retrying.
        return await self._run_request(
            chat=chat_id is not None,
            group=group,
            allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
            callback=callback,
            args=args,
            kwargs=kwargs,
        )
