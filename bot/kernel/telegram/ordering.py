"""Handle updates of different chats at the same time, and each chat's updates in order.

PTB handles one update at a time by default: every database round trip and Bot API call of one
chat (or a status edit waiting out a 429) holds up every other chat. ``concurrent_updates(True)``
runs them side by side but promises no order, and order matters within a chat: a partner's
second reply must see the first one's answer, or both edits race and the status line under the
prompt can end up showing only one of two answers. So updates of one chat wait for the one before
them; updates of different chats do not wait for each other.

An update waiting for its chat's earlier ones holds no concurrency slot: it takes one only once
its turn has come. Otherwise one chat's backlog (a member sending hundreds of commands while its
replies wait on the group's 20-a-minute send window) would fill every slot with updates doing
nothing but waiting, and every other chat would queue behind them.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Up to ``running`` updates handled at once; one chat's updates one after another, in order.

    Each update queues behind the last update seen for its chat(s). The queue is joined the
    moment PTB hands the update over, in the order PTB took it from its update queue: PTB starts
    one task per update in that order, and with the base class's bound out of the way the
    hand-over never waits. Only then, its chat's earlier updates done, does an update take one
    of the ``running`` slots (asyncio's semaphore lets waiters in first come, first served). So
    a chat holds at most one slot at a time, however long its queue.

    PTB's ``process_update`` (final) takes a slot of the base class's semaphore *before*
    ``do_process_update``; that bound is set far above any real backlog, and the real one is
    this class's own semaphore, taken after the wait. ``max_concurrent_updates`` reports the
    real bound and ``current_concurrent_updates`` the updates in hand (waiting or running).
    """

    __slots__ = ("_last", "_observe", "_running", "in_hand", "running")

    # The base class's bound: every update handed over and not yet finished counts against it
    # (waiting ones included), so it must never be what holds an update back.
    HANDED_OVER_BOUND = 1 << 20

    def __init__(
        self, max_concurrent_updates: int, observe: Callable[[float], None] | None = None
    ) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        # 0 while the base class sizes its semaphore through ``max_concurrent_updates``.
        self.running = 0
        super().__init__(self.HANDED_OVER_BOUND)
        self.running = max_concurrent_updates
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self.in_hand = 0
        # Told each handled update's seconds from hand-over to done (the operator's metrics).
        self._observe = observe
        # Chat id -> a future done when the latest update of that chat so far has been handled.
        self._last: dict[int | None, asyncio.Future[None]] = {}

    @property
    def max_concurrent_updates(self) -> int:
        """Updates handled at once (those waiting for their chat's turn not counted)."""
        return self.running or self.HANDED_OVER_BOUND

    @property
    def current_concurrent_updates(self) -> int:
        """Updates handed over and not finished yet: waiting for their turn or being handled."""
        return self.in_hand

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates (holding no slot), then take a slot and handle it."""
        keys = chat_keys(update)
        handed_over = time.perf_counter()
        self.in_hand += 1
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # No await before this point: joining the queues happens in arrival order.
        earlier = {self._last[key] for key in keys if key in self._last}
        for key in keys:
            self._last[key] = done
        started = False
        try:
            if earlier:
                await asyncio.wait(earlier)  # never cancels them, unlike awaiting them directly
            async with self._running:
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: the update is dropped
            self.in_hand -= 1
            if started and self._observe is not None:
                self._observe(time.perf_counter() - handed_over)
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
