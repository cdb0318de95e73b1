"""Group many small database writes into one transaction: a micro-batcher.

Every partner's reply is a tiny write (one answer row, maybe a timestamp on the post), but each
transaction costs far more than its SQL: on SQLite through aiosqlite, opening, running and
committing one takes about a millisecond of CPU in thread hand-offs alone. Handled one by one,
that caps a process at a few hundred replies a second. Callers here hand over an item and wait;
one flusher task takes everything waiting and handles it in a single call (one transaction), so
the cost is shared.

There is no timer: a batch is whatever arrived while the previous one was being written ("natural
batching"). A lone reply goes out at once; under load the batches grow by themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class _Waiting(Generic[Item, Result]):
    item: Item
    future: asyncio.Future[Result] = field(repr=False)


class Batcher(Generic[Item, Result]):
    """Hand items to ``handle`` in batches of up to ``max_size``; each caller gets its result.

    ``handle`` gets the items in the order they were submitted and must return one result per
    item, in the same order. If it raises, every caller in that batch gets the exception.
    """

    def __init__(
        self,
        handle: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]],
        *,
        max_size: int = 200,
        name: str = "batcher",
    ) -> None:
        self._handle = handle
        self._max_size = max_size
        self._name = name
        self._waiting: list[_Waiting[Item, Result]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # figures for benchmarks and tests
        self.items = 0

    async def submit(self, item: Item) -> Result:
        """Queue one item and wait for its result."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting[Item, Result](item, loop.create_future())
        self._waiting.append(waiting)
        if self._task is None:
            # The flusher lives only while there is work: nothing to start or stop with the bot.
            self._task = loop.create_task(self._run(), name=self._name)
        return await waiting.future

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self._max_size]
                del self._waiting[: self._max_size]
                await self._flush(batch)
        except BaseException:
            # Cancelled (the loop is closing): nobody may wait forever for a lost batch.
            for w in self._waiting:
                w.future.cancel()
            self._waiting.clear()
            raise
        finally:
            self._task = None

    async def _flush(self, batch: list[_Waiting[Item, Result]]) -> None:
        live = [w for w in batch if not w.future.done()]  # a caller may have been cancelled
        if not live:
            return
        self.batches += 1
        self.items += len(live)
        try:
            results = await self._handle([w.item for w in live])
            if len(results) != len(live):
                raise RuntimeError(f"{self._name}: {len(results)} results for {len(live)} items")
        except Exception as exc:  # handed to every caller of the batch
            for w in live:
                if not w.future.done():
                    w.future.set_exception(exc)
            return
        except BaseException:
            for w in live:
                w.future.cancel()
            raise
        for w, result in zip(live, results, strict=True):
            if not w.future.done():
                w.future.set_result(result)
