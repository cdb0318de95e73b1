"""Handle updates of different chats at the same time, and each chat's updates in order.

PTB handles one update at a time by default: every database round trip and Bot API call of one
chat (or a status edit waiting out a 429) holds up every other chat. ``concurrent_updates(True)``
runs them side by side but promises no order, and order matters within a chat: a partner's
second reply must see the first one's answer, or both edits race and the status line under the
prompt can end up showing only one of two answers. So updates of one chat wait for the one before
them; updates of different chats do not wait for each other.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Up to ``max_concurrent_updates`` at once; one chat's updates one after another, in order.

    Each update queues behind the last update seen for its chat(s). The queue is joined the
    moment PTB hands the update over, in the order PTB took it from its update queue: PTB starts
    one task per update in that order, and asyncio's semaphore that bounds them lets waiters in
    first come, first served.
    """

    __slots__ = ("_last",)

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # Chat id -> a future done when the latest update of that chat so far has been handled.
        self._last: dict[int | None, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then handle this one."""
        keys = chat_keys(update)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # No await before this point: joining the queues happens in arrival order.
        earlier = {self._last[key] for key in keys if key in self._last}
        for key in keys:
            self._last[key] = done
        started = False
        try:
            if earlier:
                await asyncio.wait(earlier)  # never cancels them, unlike awaiting them directly
            started = True
            await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: the update is dropped
            done.set_result(None)
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB lets the updates in hand finish before shutting down."""


def chat_keys(update: object) -> tuple[int | None, ...]:
    """The chats an update must stay in order with (None: updates without a chat, e.g. polls).

    A group upgraded to a supergroup announces it in both chats; those messages wait for both,
    so the move of the chat's data never overlaps an update of either id.
    """
    if not isinstance(update, Update) or update.effective_chat is None:
        return (None,)
    chat_id = update.effective_chat.id
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        return (chat_id, message.migrate_to_chat_id)
    if message is not None and message.migrate_from_chat_id:
        return (chat_id, message.migrate_from_chat_id)
    return (chat_id,)
