"""Skipping an evening is idempotent: a second /skip (or the Skip button) keeps tonight off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import Message

from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import is_evening_post

# Monday 23 November 2026; Berlin is UTC+1, so 20:30 there is 19:30 UTC.
EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


def prompts_in(bot: RunningBot, chat_id: int) -> list[Message]:
    return [m for m in bot.emulator.bot_messages(chat_id) if is_evening_post(m)]


async def evenings_sent(bot: RunningBot, couple: Couple, days: int) -> list[Message]:
    for day in range(days):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
    return prompts_in(bot, couple.chat.id)


async def test_a_second_skip_says_tonight_is_already_off_and_keeps_it_off(
    bot: RunningBot, couple: Couple
) -> None:
    assert "no prompt tonight" in await bot.ask(couple.chat, couple.alex, "/skip")

    again = await bot.ask(couple.chat, couple.sam, "/skip")

    assert "already off" in again and "tonight" in again
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []
    # Tomorrow's prompt still comes: a second /skip is not a longer break.
    assert len(await evenings_sent(bot, couple, 2)) == 1


async def test_the_skip_button_after_skip_keeps_tonight_off(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await bot.ask(couple.chat, couple.alex, "/skip")
    panel = await bot.ask(couple.chat, couple.sam, "/settings")
    assert "tomorrow" in panel
    message = emu.bot_messages(couple.chat.id)[-1]

    mark = emu.mark()
    emu.press_button(couple.chat, couple.sam, message.message_id, "set:skip")
    await emu.wait_for_call("editMessageText", since=mark)
    await emu.settle()

    edited = next(m for m in emu.bot_messages(couple.chat.id) if m.message_id == message.message_id)
    assert edited.text is not None and "tomorrow" in edited.text
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []
    assert len(await evenings_sent(bot, couple, 2)) == 1
