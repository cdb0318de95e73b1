"""The one error handler: log with the exception, answer kindly, never leak a traceback."""

from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.kernel.db.members import NotAMemberError
from bot.kernel.services import Ctx
from bot.kernel.telegram.interaction import quick_words

log = logging.getLogger(__name__)

# A failure's full traceback is logged at most this often per kind of error; the other
# failures get one line each (a database outage fails every update the same way).
TRACEBACK_EVERY = timedelta(minutes=1)


class TracebackThrottle:
    """Whether a failure's traceback is worth logging: the first of its kind, then once a
    ``every`` at most. Pure: ``now`` is passed in."""

    def __init__(self, every: timedelta = TRACEBACK_EVERY) -> None:
        self.every = every
        self._last: dict[str, datetime] = {}

    def allow(self, kind: str, now: datetime) -> bool:
        """True when a traceback of this kind may be logged now (and remember that it was)."""
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            return False
        self._last[kind] = now
        return True


# One throttle per running application (tests run many in one process).
_throttles: weakref.WeakKeyDictionary[object, TracebackThrottle] = weakref.WeakKeyDictionary()


def _traceback(ctx: Ctx, error: BaseException | None) -> BaseException | None:
    """The error to log with its traceback, or None when one of its kind was logged lately."""
    if error is None:
        return None
    throttle = _throttles.setdefault(ctx.application, TracebackThrottle())
    return error if throttle.allow(type(error).__name__, ctx.services.clock.now()) else None


async def on_error(update: object, ctx: Ctx) -> None:
    """Log the failure (ids only, never message text) and tell the chat something went wrong.

    One line a failure; the full traceback once a minute at most for each kind of error.
    """
    error = ctx.error
    if not isinstance(update, Update):
        ctx.services.metrics.failed("outside", error)
        # Errors outside an update (polling hiccups, jobs) have nobody to answer.
        log.error(
            "error outside an update: %s", type(error).__name__, exc_info=_traceback(ctx, error)
        )
        return
    chat = update.effective_chat
    if isinstance(error, NotAMemberError):
        log.info(
            "update %s from chat %s ignored: the bot is not a member",
            update.update_id,
            error.chat_id,
        )
        return
    ctx.services.metrics.failed("update", error)
    log.error(
        "update %s in chat %s failed: %s",
        update.update_id,
        chat.id if chat else None,
        type(error).__name__,
        exc_info=_traceback(ctx, error),
    )
    if chat is None or isinstance(error, Forbidden | NetworkError):
        # Nobody to tell, or telling them would fail the same way.
        return
    texts = quick_words(update, ctx)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.render("errors.generic"))
        elif update.effective_message is not None:
            await ctx.bot.send_message(chat.id, texts.render_html("errors.generic"))
    except TelegramError:
        log.warning("could not tell chat %s about the failure", chat.id)
