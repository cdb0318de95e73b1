"""The micro-batcher: callers submit one item each, the handler sees them in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.kernel.batching import Batcher


class Doubler:
    """A handler that records the batches it was given and doubles every number."""

    def __init__(self, *, pause: float = 0.0, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.pause = pause
        self.fail_on = fail_on

    async def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        await asyncio.sleep(self.pause)
        if self.fail_on in items:
            raise ValueError(f"cannot handle {self.fail_on}")
        return [2 * n for n in items]


async def test_a_lone_item_is_handled_at_once_in_a_batch_of_its_own() -> None:
    handler = Doubler()
    batcher = Batcher(handler)

    assert await batcher.submit(21) == 42
    assert handler.batches == [[21]]


async def test_items_that_arrive_while_a_batch_is_written_go_together_in_the_next() -> None:
    handler = Doubler(pause=0.01)
    batcher = Batcher(handler)

    results = await asyncio.gather(*(batcher.submit(n) for n in range(10)))

    assert results == [2 * n for n in range(10)]
    # Every submit ran before the flusher first woke up: one batch, in submission order.
    assert handler.batches == [list(range(10))]
    assert (batcher.batches, batcher.items) == (1, 10)


async def test_batches_never_grow_past_the_maximum_size() -> None:
    handler = Doubler()
    batcher = Batcher(handler, max_size=4)

    results = await asyncio.gather(*(batcher.submit(n) for n in range(10)))

    assert results == [2 * n for n in range(10)]
    assert [len(b) for b in handler.batches] == [4, 4, 2]


async def test_a_failing_batch_hands_its_error_to_every_caller_in_it_and_the_next_batch_works() -> (
    None
):
    handler = Doubler(fail_on=3)
    batcher = Batcher(handler)

    outcomes = await asyncio.gather(*(batcher.submit(n) for n in range(5)), return_exceptions=True)

    assert all(isinstance(o, ValueError) for o in outcomes)
    assert await batcher.submit(7) == 14


async def test_a_caller_cancelled_while_waiting_is_left_out_of_the_batch() -> None:
    handler = Doubler(pause=0.01)
    batcher = Batcher(handler)
    first = asyncio.create_task(batcher.submit(1))
    await asyncio.sleep(0)  # the first batch is being written
    gone = asyncio.create_task(batcher.submit(2))
    kept = asyncio.create_task(batcher.submit(3))
    await asyncio.sleep(0)
    gone.cancel()

    assert await first == 2
    assert await kept == 6
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert handler.batches == [[1], [3]]


async def test_a_handler_that_returns_the_wrong_number_of_results_fails_the_batch() -> None:
    async def short(items: Sequence[int]) -> list[int]:
        return list(items)[:-1]

    batcher = Batcher(short)

    with pytest.raises(RuntimeError, match="1 results for 2 items"):
        await asyncio.gather(batcher.submit(1), batcher.submit(2))
