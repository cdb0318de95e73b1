"""What one Telegram call's outcome means for sending it again: one classifier for every sender.

The question every sender asks after a failure is the same: did the message reach the chat, and
may it be sent again? ``sendMessage`` has no idempotency key, so a call that may have reached
Telegram must never be sent blindly a second time, while one that surely did not may be. What
each sender then does (hand a claim back, back off, give up) is its own policy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TimedOut,
)

# Causes of a TimedOut raised before the request left this process: waiting for a pooled
# connection, or connecting. aiohttp raises ConnectionTimeoutError for both (its `connect`
# timeout covers the pool wait); its other ServerTimeoutError, SocketTimeoutError, is a read
# timeout, after the request was written.
_NEVER_LEFT = (httpx.ConnectTimeout, httpx.PoolTimeout, aiohttp.ConnectionTimeoutError)


class Outcome(enum.Enum):
    """What happened to one call, as far as sending it again is concerned."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"  # flood control: not sent; wait ``retry_after`` seconds
    NOT_SENT = "not_sent"  # surely not posted: safe to send again
    MAYBE_SENT = "maybe_sent"  # may have been posted: sending again may double it
    CHAT_GONE = "chat_gone"  # the bot was removed or blocked
    CHAT_MOVED = "chat_moved"  # the group became a supergroup under ``new_chat_id``
    REFUSED = "refused"  # Telegram rejected the request itself: sending it again will not help


@dataclass(frozen=True, slots=True)
class Classified:
    """A call's outcome, with what a sender needs to act on it."""

    outcome: Outcome
    retry_after: float | None = None
    new_chat_id: int | None = None
    # A short name for logs and stored reasons (never the message or anything partners wrote).
    reason: str = ""


SENT = Classified(Outcome.SENT, reason="sent")


def classify(error: BaseException | None) -> Classified:
    """Classify a call's outcome from the error it raised (None: it succeeded)."""
    if error is None:
        return SENT
    if isinstance(error, RetryAfter):
        return Classified(Outcome.RETRY_AFTER, retry_after=retry_after_seconds(error), reason="429")
    if isinstance(error, ChatMigrated):
        return Classified(Outcome.CHAT_MOVED, new_chat_id=error.new_chat_id, reason="migrated")
    if isinstance(error, Forbidden):
        return Classified(Outcome.CHAT_GONE, reason="forbidden")
    # TimedOut and BadRequest are both NetworkErrors in PTB: they come first.
    if isinstance(error, TimedOut):
        if isinstance(error.__cause__, _NEVER_LEFT):
            return Classified(Outcome.NOT_SENT, reason="connect_timeout")
        return Classified(Outcome.MAYBE_SENT, reason="read_timeout")
    if isinstance(error, BadRequest):
        return Classified(Outcome.REFUSED, reason="bad_request")
    # Any other NetworkError (connection refused, a 5xx) or TelegramError: Telegram did not take
    # the message. Anything else is not Telegram's answer at all: PTB turns every failure of the
    # request itself into a NetworkError, so it was raised before the request was made.
    return Classified(Outcome.NOT_SENT, reason=type(error).__name__[:32])


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait a 429 asks for, in seconds, whether PTB gives it as an int or a timedelta."""
    delay = error.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
