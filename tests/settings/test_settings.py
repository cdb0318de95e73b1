"""The couple's settings, end to end: /time, /timezone, /days, /pause, /skip, /settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.kernel.db.models import Chat
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import EVENING, prompts_in


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


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
    """The couple answers tonight's prompt, if there is one, by tapping the in-person button
    (or "Done", on a prompt to do together)."""
    emu = bot.emulator
    prompts = prompts_in(bot, couple.chat.id)
    if prompts and prompts[-1].reply_markup is not None:
        mark = emu.mark()
        data = str(prompts[-1].reply_markup.inline_keyboard[0][0].callback_data)
        emu.press_button(couple.chat, couple.sam, prompts[-1].message_id, data)
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
