"""Telegram's flood limits (sliding windows over successful sends) and fault injection."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal

from bot.emulator.errors import ApiError

# Methods that post a message and so count against the limits.
SEND_METHODS = frozenset(
    {"sendmessage", "sendpoll", "senddocument", "sendphoto", "copymessage", "forwardmessage"}
)


@dataclass
class LimitStats:
    """What the bot achieved: sends and 429s, overall and per chat."""

    sends: int = 0
    paid_sends: int = 0  # sent with allow_paid_broadcast
    throttled: int = 0
    sends_per_chat: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    throttled_per_chat: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    first_send: float | None = None
    last_send: float | None = None

    def per_second(self) -> float:
        """Achieved sends per second between the first and the last successful send."""
        if self.first_send is None or self.last_send is None or self.sends < 2:
            return 0.0
        span = self.last_send - self.first_send
        return (self.sends - 1) / span if span > 0 else float("inf")


class RateLimits:
    """About 30 messages/s overall, 20/min into one group, 1/s into one private chat.

    A message sent with ``allow_paid_broadcast`` counts against the paid ceiling (1,000/s)
    instead of the free 30/s; the limits of its chat still apply.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.enabled = False
        self.global_per_second = 30
        self.group_per_minute = 20
        self.private_per_second = 1
        self.paid_per_second = 1000
        self.stats = LimitStats()
        self._global: deque[float] = deque()
        self._paid: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}

    def enable(
        self,
        global_per_second: int = 30,
        group_per_minute: int = 20,
        private_per_second: int = 1,
        paid_per_second: int = 1000,
    ) -> None:
        """Start answering 429 when a window is full."""
        self.enabled = True
        self.global_per_second = global_per_second
        self.group_per_minute = group_per_minute
        self.private_per_second = private_per_second
        self.paid_per_second = paid_per_second

    def disable(self) -> None:
        """Stop limiting (stats keep counting)."""
        self.enabled = False
        self._global.clear()
        self._paid.clear()
        self._chats.clear()

    def reset_stats(self) -> None:
        """Start counting afresh, e.g. before a benchmark run."""
        self.stats = LimitStats()

    def check(self, chat_id: int, private: bool, paid: bool = False) -> None:
        """Raise a 429 if one more send into this chat would break a limit."""
        if not self.enabled:
            return
        now = self.clock()
        waits: list[float] = []
        if paid:
            waits.append(_wait(self._paid, now, 1.0, self.paid_per_second))
        else:
            waits.append(_wait(self._global, now, 1.0, self.global_per_second))
        window, limit = (1.0, self.private_per_second) if private else (60.0, self.group_per_minute)
        waits.append(_wait(self._chats.setdefault(chat_id, deque()), now, window, limit))
        wait = max(waits)
        if wait > 0:
            self.stats.throttled += 1
            self.stats.throttled_per_chat[chat_id] += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def record(self, chat_id: int, paid: bool = False) -> None:
        """Count a successful send."""
        now = self.clock()
        stats = self.stats
        stats.sends += 1
        stats.paid_sends += paid
        stats.sends_per_chat[chat_id] += 1
        if stats.first_send is None:
            stats.first_send = now
        stats.last_send = now
        if self.enabled:
            (self._paid if paid else self._global).append(now)
            self._chats.setdefault(chat_id, deque()).append(now)


def _wait(window: deque[float], now: float, span: float, limit: int) -> float:
    """Seconds until the window has room (0 when it has room now)."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[len(window) - limit] + span - now


@dataclass
class FaultRule:
    """A pending injected fault."""

    kind: Literal["fail", "delay"]
    method: str | None  # lower-case method name; None matches every method
    chat_id: int | None
    remaining: int | None  # None: forever
    status: int = 500
    seconds: float = 0.0
    deliver: bool = True


def failure(status: int) -> ApiError:
    """The error answer for an injected failure with this status."""
    if status == 429:
        return ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return ApiError(status, phrase)


class Faults:
    """Injected failures, slow answers and per-chat 403s."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.forbidden: set[int] = set()
        self.fired: list[tuple[str, str, int | None]] = []  # (kind, method, chat id)

    def fail(
        self,
        method: str | None = "sendMessage",
        status: int = 500,
        times: int | None = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` matching calls with `status` (None: every call)."""
        self.rules.append(FaultRule("fail", _key(method), chat_id, times, status=status))

    def delay(
        self,
        method: str | None = "sendMessage",
        seconds: float = 2.0,
        times: int | None = 1,
        chat_id: int | None = None,
        deliver: bool = True,
    ) -> None:
        """Answer late; deliver=True posts the message at once and only the answer is late."""
        rule = FaultRule("delay", _key(method), chat_id, times, seconds=seconds, deliver=deliver)
        self.rules.append(rule)

    def forbid(self, chat_id: int) -> None:
        """Answer 403 to every call about this chat until clear() or allow()."""
        self.forbidden.add(chat_id)

    def allow(self, chat_id: int) -> None:
        """Undo forbid() for one chat."""
        self.forbidden.discard(chat_id)

    def clear(self) -> None:
        """Remove every injected fault."""
        self.rules.clear()
        self.forbidden.clear()

    def match(self, method: str, chat_id: object) -> FaultRule | None:
        """The first rule for this call, used up by one; None when the call runs normally."""
        for rule in self.rules:
            if rule.method is not None and rule.method != method:
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.rules.remove(rule)
            self.fired.append((rule.kind, method, chat_id if isinstance(chat_id, int) else None))
            return rule
        return None


def _key(method: str | None) -> str | None:
    return method.lower() if method else None
