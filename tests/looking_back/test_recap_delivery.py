"""The weekly recap's send failures, through the real recap job and the bot's own transport."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import TelegramError

from bot.features.looking_back.jobs import send_recaps
from bot.kernel.telegram.transport import AiohttpRequest
from tests.conftest import TOKEN, Couple, RunningBot, StartBot, eventually
from tests.looking_back.test_looking_back import SUNDAY_RECAP, evenings_through, recaps


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


@pytest.fixture
async def couple(couple: Couple, bot: RunningBot) -> Couple:
    """Both partners known to the bot."""
    for person in (couple.alex, couple.sam):
        bot.emulator.send_command(couple.chat, person, "/help")
    await bot.emulator.settle()
    return couple


@pytest.fixture
async def crowded_bot(bot: RunningBot) -> AsyncIterator[Bot]:
    """A second Bot on the bot's aiohttp transport with a single connection, kept busy by a
    slow getMe: its next call waits for that connection until aiohttp's connect timeout."""
    crowded = Bot(
        TOKEN,
        base_url=f"{bot.emulator.url}/bot",
        request=AiohttpRequest(pool_size=1, connect_timeout=0.1, pool_timeout=0.1),
    )
    await crowded.initialize()
    fired = len(bot.emulator.faults.fired)
    # Long enough to outlast a busy machine; cancelled at the end, so it costs no time.
    bot.emulator.faults.delay("getMe", seconds=30.0, times=1)
    busy = asyncio.create_task(crowded.get_me())
    await eventually(lambda: len(bot.emulator.faults.fired) > fired, "the slow getMe")
    yield crowded
    # The slow getMe has done its part: no need to wait out its delay.
    busy.cancel()
    with contextlib.suppress(asyncio.CancelledError, TelegramError):
        await busy
    await crowded.shutdown()


async def test_a_recap_whose_send_times_out_connecting_is_tried_again_not_taken_as_maybe_sent(
    bot: RunningBot, couple: Couple, crowded_bot: Bot
) -> None:
    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))

    first = await send_recaps(bot.services, crowded_bot)
    assert first == 0
    assert recaps(bot, couple) == []

    bot.clock.advance(timedelta(minutes=5))
    second = await send_recaps(bot.services, bot.runner.app.bot)

    assert second == 1
    assert len(recaps(bot, couple)) == 1


async def test_a_recap_whose_answer_never_came_is_not_sent_a_second_time(
    bot: RunningBot, couple: Couple
) -> None:
    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    slow = Bot(
        TOKEN,
        base_url=f"{bot.emulator.url}/bot",
        request=AiohttpRequest(pool_size=1, read_timeout=0.2),
    )
    await slow.initialize()
    bot.emulator.faults.delay("sendPhoto", seconds=1.0, times=1, deliver=True)
    try:
        first = await send_recaps(bot.services, slow)
    finally:
        await slow.shutdown()

    bot.clock.advance(timedelta(minutes=5))
    second = await send_recaps(bot.services, bot.runner.app.bot)

    assert (first, second) == (0, 0)
    assert len(recaps(bot, couple)) == 1  # posted by the first try, whose answer was lost
