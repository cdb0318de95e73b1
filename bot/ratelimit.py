"""PTB's AIORateLimiter, with a way for one call to get a 429 back instead of a retry."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

# Passed as ``rate_limit_args`` by the evening sender. It cannot be 0: ExtBot drops falsy
# values and the limiter then falls back to its default retries, which would hold a whole
# fan-out (every call, in fact) behind one chat's 429.
NO_RETRIES = -1


class RateLimiter(AIORateLimiter):
    """Keeps every call under Telegram's limits; ``rate_limit_args=0`` really means no retry."""

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
        group = chat_id if isinstance(chat_id, int) and chat_id < 0 else False
        # _run_request applies the overall and per-group limiters once, without retrying.
        return await self._run_request(
            chat=chat_id is not None,
            group=group,
            allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
            callback=callback,
            args=args,
            kwargs=kwargs,
        )
