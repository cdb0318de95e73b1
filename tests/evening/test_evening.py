"""The evening prompt, end to end: planner, sender, Telegram's errors."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.kernel.db import chats
from bot.kernel.db.models import Chat, EntryUse, Post, Run
from tests.conftest import Couple, RunningBot, StartBot, eventually
from tests.couple_evening import EVENING, prompts_in, run_count


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


async def test_the_evening_prompt_arrives_once_through_the_job_queue_at_local_time(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(tick_seconds=0.1)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()

    ticks = bot.count_ticks()

    bot.clock.set(EVENING - timedelta(minutes=1))
    # The first tick to finish may have begun before the clock moved; the second did not.
    before = ticks()
    await eventually(lambda: ticks() >= before + 2, "two ticks before the evening")
    assert prompts_in(bot, chat.id) == []

    bot.clock.set(EVENING + timedelta(seconds=5))
    await emu.wait_for_call("sendMessage", chat_id=chat.id, since=emu.mark() - 1, timeout=5)
    sent = ticks()
    await eventually(lambda: ticks() >= sent + 5, "several more ticks")

    prompts = prompts_in(bot, chat.id)
    assert len(prompts) == 1
    assert await run_count(bot, status="sent") == 1


async def test_each_evening_brings_a_different_prompt_and_records_it(
    bot: RunningBot, couple: Couple
) -> None:
    for day in range(3):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()

    prompts = prompts_in(bot, couple.chat.id)
    assert len(prompts) == 3
    assert len({m.text for m in prompts}) == 3
    async with bot.services.transaction() as session:
        uses = (await session.scalars(select(EntryUse.entry_id))).all()
        posts = (await session.scalars(select(Post.message_id).where(Post.kind == "evening"))).all()
    assert len(set(uses)) == 3
    assert sorted(posts) == sorted(m.message_id for m in prompts)


async def test_ticking_again_and_again_never_sends_a_second_prompt_the_same_evening(
    bot: RunningBot, couple: Couple
) -> None:
    bot.clock.set(EVENING + timedelta(seconds=1))
    await asyncio.gather(*(bot.runner.evening.tick() for _ in range(5)))
    bot.clock.advance(timedelta(hours=1))
    await bot.runner.evening.tick()

    assert len(prompts_in(bot, couple.chat.id)) == 1


async def test_an_evening_missed_by_more_than_the_catch_up_window_is_skipped_not_sent_late(
    bot: RunningBot, couple: Couple
) -> None:
    bot.clock.set(EVENING + timedelta(hours=3, minutes=1))
    await bot.runner.evening.tick()

    assert prompts_in(bot, couple.chat.id) == []
    assert await run_count(bot, status="skipped", reason="late") == 1
    bot.clock.set(EVENING + timedelta(days=1, seconds=1))
    await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 1


async def test_a_429_puts_the_prompt_back_and_it_goes_out_after_retry_after(
    bot: RunningBot, couple: Couple
) -> None:
    bot.emulator.faults.fail("sendMessage", status=429, times=1, chat_id=couple.chat.id)
    refused_at = EVENING + timedelta(seconds=1)
    bot.clock.set(refused_at)
    # The retry is due before the next tick, so this tick's sender waits for it.
    result = await bot.runner.evening.tick()

    assert result.sent.outcomes["retry"] == 1
    assert result.sent.outcomes["sent"] == 1
    assert len(prompts_in(bot, couple.chat.id)) == 1
    async with bot.services.transaction() as session:
        sent_at = await session.scalar(select(Run.sent_at))
    assert sent_at is not None and sent_at >= refused_at + timedelta(seconds=1)


async def test_a_server_error_is_retried_with_backoff(bot: RunningBot, couple: Couple) -> None:
    bot.emulator.faults.fail("sendMessage", status=500, times=2, chat_id=couple.chat.id)
    bot.clock.set(EVENING + timedelta(seconds=1))
    for _ in range(3):
        await bot.runner.evening.tick()
        bot.clock.advance(timedelta(minutes=1))

    assert len(prompts_in(bot, couple.chat.id)) == 1


async def test_a_403_deactivates_the_chat_and_stops_sending(
    bot: RunningBot, couple: Couple
) -> None:
    bot.emulator.faults.forbid(couple.chat.id)
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    bot.emulator.faults.clear()
    bot.clock.set(EVENING + timedelta(days=1, seconds=1))
    await bot.runner.evening.tick()

    assert prompts_in(bot, couple.chat.id) == []
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None and not chat.active
    assert await run_count(bot, status="failed", reason="forbidden") == 1


async def test_a_read_timeout_is_counted_as_maybe_sent_and_never_sent_twice(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(tick_seconds=3600, telegram_timeout=0.3)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()
    emu.faults.delay("sendMessage", seconds=0.8, times=1, chat_id=chat.id, deliver=True)

    bot.clock.set(EVENING + timedelta(seconds=1))
    first = await bot.runner.evening.tick()
    await emu.settle()  # the emulator has given its late answer (to nobody)
    bot.clock.advance(timedelta(minutes=5))
    await bot.runner.evening.tick()

    assert first.sent.outcomes["maybe_sent"] == 1
    assert len(prompts_in(bot, chat.id)) == 1
    assert await run_count(bot, status="maybe_sent") == 1


async def test_a_group_that_became_a_supergroup_gets_its_prompt_under_the_new_id(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    supergroup = emu.migrate_to_supergroup(couple.chat)
    await emu.settle()
    # Pretend the bot missed the migration notice (e.g. it was down for over 24 hours).
    async with bot.services.transaction() as session:
        await chats.migrate_chat(session, supergroup.id, couple.chat.id)

    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()

    assert len(prompts_in(bot, supergroup.id)) == 1
    async with bot.services.transaction() as session:
        assert await session.get(Chat, couple.chat.id) is None
        assert await session.get(Chat, supergroup.id) is not None
