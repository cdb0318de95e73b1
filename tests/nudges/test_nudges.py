"""Kind nudges: one after the delay, never at night, none when nobody answered."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Couple, RunningBot
from tests.couple_evening import EVENING, evening, nudges, press_time, reply


async def test_one_answer_brings_one_gentle_nudge_after_the_delay(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await press_time(bot, couple, "/time 18:00")  # so the delay ends before quiet hours
    prompt = await evening(bot, after=timedelta(hours=-1, minutes=-30, seconds=1))
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)

    bot.clock.advance(timedelta(hours=1, minutes=50))
    await bot.runner.evening.tick()
    assert not nudges(bot, couple)
    bot.clock.advance(timedelta(minutes=15))
    await bot.runner.evening.tick()
    bot.clock.advance(timedelta(minutes=30))
    await bot.runner.evening.tick()
    await emu.settle()

    [nudge] = nudges(bot, couple)
    assert nudge.reply_to_message is not None
    assert nudge.reply_to_message.message_id == prompt.message_id
    assert nudge.text is not None and nudge.text.startswith("Sam, there's room for your answer")
    # The nudge never compares the partners: who answered is not named.
    assert "Alex" not in nudge.text
    assert any(
        e.type == "text_link" and e.url == f"tg://user?id={couple.sam.id}" for e in nudge.entities
    )


async def test_no_nudge_at_night_and_one_in_the_morning(bot: RunningBot, couple: Couple) -> None:
    prompt = await evening(bot)  # 20:30 Berlin
    assert prompt is not None
    await reply(bot, couple, "sam", prompt)

    for hours in (1, 2, 3, 5, 9):  # up to 05:30 local: quiet hours
        bot.clock.set(EVENING + timedelta(hours=hours))
        await bot.runner.evening.tick()
    assert not nudges(bot, couple)
    bot.clock.set(EVENING + timedelta(hours=11, minutes=31))  # 08:01 local
    await bot.runner.evening.tick()
    await bot.emulator.settle()

    assert len(nudges(bot, couple)) == 1


async def test_no_nudge_when_nobody_answered_or_nudges_are_off(
    bot: RunningBot, couple: Couple
) -> None:
    assert "no reminders" in await press_time(bot, couple, "/nudges off")
    prompt = await evening(bot)
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)
    bot.clock.advance(timedelta(hours=13))
    await bot.runner.evening.tick()

    assert not nudges(bot, couple)
