"""The evening prompt, end to end: settings commands, planner, sender, Telegram's errors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Message

from bot.kernel.db import chats
from bot.kernel.db.models import Chat, EntryUse, Post, Run
from tests.conftest import Couple, RunningBot, StartBot, eventually

# Monday 23 November 2026; Berlin is UTC+1, so 20:30 there is 19:30 UTC.
EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


def prompts_in(bot: RunningBot, chat_id: int) -> list[Message]:
    return [
        m
        for m in bot.emulator.bot_messages(chat_id)
        if m.text and "reply to this message" in m.text
    ]


async def run_count(bot: RunningBot, **where: object) -> int:
    async with bot.services.transaction() as session:
        query = select(func.count()).select_from(Run).filter_by(**where)
        return int(await session.scalar(query) or 0)


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


async def test_time_command_moves_the_prompt_and_says_when_the_next_one_comes(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/time 8:15pm")

    assert "20:15" in answer
    assert "tonight at 20:15" in answer
    bot.clock.set(EVENING - timedelta(minutes=15) + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/time 25:99", "hours go from 0 to 23"),
        ("/time soon", "/time 20:30"),
        ("/time", "For example: /time 20:30"),
        ("/days someday", "/days mon,wed,fri"),
        ("/pause forever", "/pause 3d"),
        ("/timezone Lisbn", "Did you mean Europe/Lisbon?"),
        ("/timezone Qwxyz", "Try a city"),
    ],
)
async def test_a_malformed_argument_gets_a_specific_answer_with_an_example(
    bot: RunningBot, couple: Couple, command: str, expected: str
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, command)

    assert expected in answer


async def test_a_city_sets_the_time_zone_and_the_prompt_follows_it(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone New York")

    assert "America/New_York" in answer
    # 20:30 in New York (UTC-5) is 01:30 UTC the next day.
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []
    bot.clock.set(datetime(2026, 11, 24, 1, 30, 1, tzinfo=UTC))
    await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 1


async def talk_in_person(bot: RunningBot, couple: Couple) -> None:
    """The couple answers tonight's prompt, if there is one, by tapping the in-person button."""
    emu = bot.emulator
    prompts = prompts_in(bot, couple.chat.id)
    if prompts and prompts[-1].reply_markup is not None:
        mark = emu.mark()
        emu.press_button(couple.chat, couple.sam, prompts[-1].message_id, "inperson")
        await emu.wait_for_call("answerCallbackQuery", since=mark)
        await emu.settle()


async def test_weekdays_only_leaves_the_weekend_quiet(bot: RunningBot, couple: Couple) -> None:
    await bot.ask(couple.chat, couple.alex, "/days weekdays")

    for day in range(7):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
        await talk_in_person(bot, couple)

    sent_days = [m.date.astimezone(UTC).weekday() for m in prompts_in(bot, couple.chat.id)]
    assert len(sent_days) == 5


async def test_pause_keeps_quiet_until_resume(bot: RunningBot, couple: Couple) -> None:
    assert "until one of you sends /resume" in await bot.ask(couple.chat, couple.alex, "/pause")
    for day in range(2):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []

    answer = await bot.ask(couple.chat, couple.alex, "/resume")

    assert "Welcome back" in answer and "tomorrow at 20:30" in answer
    bot.clock.set(EVENING + timedelta(days=2, seconds=1))
    await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 1


async def test_a_pause_for_some_days_ends_by_itself(bot: RunningBot, couple: Couple) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/pause 2d")

    assert "Wed 25 Nov" in answer
    for day in range(4):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 2  # Wednesday and Thursday


async def test_skip_leaves_out_tonight_only(bot: RunningBot, couple: Couple) -> None:
    assert "no prompt tonight" in await bot.ask(couple.chat, couple.alex, "/skip")

    for day in range(2):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()

    prompts = prompts_in(bot, couple.chat.id)
    assert len(prompts) == 1
    assert prompts[0].chat.id == couple.chat.id


async def test_settings_shows_everything_and_a_button_changes_it_in_place(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    text = await bot.ask(couple.chat, couple.alex, "/settings")
    assert "20:30" in text and "every day" in text and "Europe/Berlin" in text
    message = emu.bot_messages(couple.chat.id)[-1]

    mark = emu.mark()
    emu.press_button(couple.chat, couple.sam, message.message_id, "set:weekdays")
    await emu.wait_for_call("editMessageText", since=mark)
    await emu.settle()

    edited = next(m for m in emu.bot_messages(couple.chat.id) if m.message_id == message.message_id)
    assert edited.text is not None and "weekdays" in edited.text
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None and chat.days == 0b0011111


async def test_a_guest_in_the_group_gets_a_polite_no(bot: RunningBot, couple: Couple) -> None:
    emu = bot.emulator
    await bot.ask(couple.chat, couple.alex, "/help")
    mark = emu.mark()
    emu.send_command(couple.chat, couple.sam, "/help")
    await emu.wait_for_message(couple.chat.id, since=mark)
    guest = emu.create_user("Kim")
    emu.add_member(couple.chat, guest)

    mark = emu.mark()
    emu.send_command(couple.chat, guest, "/time 22:00")
    answer = await emu.wait_for_message(couple.chat.id, since=mark)

    assert answer.text is not None and "only the couple" in answer.text
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None and chat.send_minute == 20 * 60 + 30


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
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []
    assert await run_count(bot, status="pending") == 1

    bot.clock.advance(timedelta(seconds=2))
    await bot.runner.evening.tick()

    assert len(prompts_in(bot, couple.chat.id)) == 1


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
