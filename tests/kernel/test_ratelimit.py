"""The rate limiter through PTB's BaseRateLimiter interface: pauses, retries and its windows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.kernel.telegram.ratelimit import NO_RETRIES, RateLimiter

PAUSE = timedelta(milliseconds=200)
Call = Callable[..., Coroutine[Any, Any, Any]]


class Endpoint:
    """A stand-in for one Bot API method: records when it is called, refuses the first few."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.calls: list[float] = []
        self.called = asyncio.Event()

    async def __call__(self) -> bool:
        self.calls.append(asyncio.get_running_loop().time())
        self.called.set()
        if len(self.calls) <= self.refusals:
            raise RetryAfter(PAUSE)
        return True


async def request(
    limiter: RateLimiter, endpoint: Call, chat_id: int | str, rate_limit_args: int | None = None
) -> Any:
    """What ExtBot does for one call."""
    data: dict[str, Any] = {"chat_id": chat_id, "text": "-"}
    return await limiter.process_request(endpoint, (), {}, "sendMessage", data, rate_limit_args)


def test_the_limiter_is_built_on_ptbs_public_base_class() -> None:
    assert isinstance(RateLimiter(), BaseRateLimiter)


async def test_a_429_holds_every_call_back_for_its_wait_then_the_call_is_tried_again() -> None:
    limiter = RateLimiter(max_retries=2)
    refused_once, other = Endpoint(refusals=1), Endpoint()

    retried = asyncio.create_task(request(limiter, refused_once, 1))
    await refused_once.called.wait()
    await asyncio.sleep(0)  # let the refusal land and the pause begin
    assert await asyncio.gather(retried, request(limiter, other, 2)) == [True, True]

    refused_at = refused_once.calls[0]
    assert len(refused_once.calls) == 2
    assert refused_once.calls[1] - refused_at >= PAUSE.total_seconds()
    assert other.calls[0] - refused_at >= PAUSE.total_seconds()


async def test_a_call_still_refused_after_its_retries_raises_the_429() -> None:
    limiter = RateLimiter(max_retries=1)
    always = Endpoint(refusals=5)

    with pytest.raises(RetryAfter):
        await request(limiter, always, 1)
    assert len(always.calls) == 2


async def test_rate_limit_args_set_the_retries_for_one_call() -> None:
    limiter = RateLimiter(max_retries=0)
    refused_twice = Endpoint(refusals=2)

    assert await request(limiter, refused_twice, 1, rate_limit_args=2) is True
    assert len(refused_twice.calls) == 3


async def test_with_no_retries_a_429_goes_straight_back_and_holds_no_one_back() -> None:
    limiter = RateLimiter(max_retries=2)
    refused, other = Endpoint(refusals=1), Endpoint()

    with pytest.raises(RetryAfter):
        await request(limiter, refused, 1, rate_limit_args=NO_RETRIES)
    await asyncio.wait_for(request(limiter, other, 2), timeout=PAUSE.total_seconds() / 2)

    assert len(refused.calls) == 1
    assert len(other.calls) == 1


async def test_a_wait_in_a_groups_window_holds_no_overall_slot() -> None:
    limiter = RateLimiter(overall_max_rate=2, group_max_rate=1)
    group, private = Endpoint(), Endpoint()

    await request(limiter, group, -100)
    waiting = asyncio.create_task(request(limiter, group, -100))  # a minute in the group window
    await asyncio.sleep(0)
    # The second overall slot is still free for a private chat.
    await asyncio.wait_for(request(limiter, private, 7), timeout=0.5)

    assert not waiting.done()
    waiting.cancel()


async def test_paid_broadcasts_do_not_wait_in_the_free_windows() -> None:
    limiter = RateLimiter(overall_max_rate=1)
    free, paid = Endpoint(), Endpoint()

    await request(limiter, free, 1)
    waiting = asyncio.create_task(request(limiter, free, 2))  # the free second is used up
    await asyncio.sleep(0)
    data = {"chat_id": 3, "text": "-", "allow_paid_broadcast": True}
    await asyncio.wait_for(
        limiter.process_request(paid, (), {}, "sendMessage", data, None), timeout=0.5
    )

    assert not waiting.done()
    assert len(paid.calls) == 1
    waiting.cancel()
