"""/timezone me: each partner's own zone, and a nudge that stays out of that partner's night."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.kernel.db.models import Chat, Partner
from tests.conftest import Couple, RunningBot
from tests.couple_evening import EVENING, evening, nudges, press_time, reply


async def as_sam(bot: RunningBot, couple: Couple, command: str) -> str:
    """Sam sends a command; the bot's answer (the first city look-up builds an index: patience)."""
    mark = bot.emulator.mark()
    bot.emulator.send_command(couple.chat, couple.sam, command)
    answer = await bot.emulator.wait_for_message(couple.chat.id, since=mark, timeout=30)
    await bot.emulator.settle()
    return answer.text or ""


async def own_zones(bot: RunningBot) -> dict[str, str | None]:
    async with bot.services.transaction() as session:
        partners = (await session.scalars(select(Partner))).all()
    return {p.display_name: p.timezone for p in partners}


async def test_a_partner_sets_shows_and_clears_their_own_zone(
    bot: RunningBot, couple: Couple
) -> None:
    none = await as_sam(bot, couple, "/timezone me")
    chosen = await as_sam(bot, couple, "/timezone me Tokyo")
    shown = await as_sam(bot, couple, "/timezone me")
    zones = await own_zones(bot)
    cleared = await as_sam(bot, couple, "/timezone me off")

    assert "you follow the group's time zone" in none
    assert "Asia/Tokyo" in chosen and "20:30" in chosen
    assert "Asia/Tokyo" in shown
    assert zones == {"Alex": None, "Sam": "Asia/Tokyo"}
    assert "follow the group's time zone again" in cleared
    assert (await own_zones(bot))["Sam"] is None
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None and chat.timezone == "Europe/Berlin"


async def test_an_unknown_own_zone_is_answered_with_an_example(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await as_sam(bot, couple, "/timezone me Qwxzzy")

    assert "Qwxzzy" in answer and "/timezone me" in answer
    assert (await own_zones(bot))["Sam"] is None


async def test_the_nudge_waits_for_morning_in_the_nudged_partners_own_zone(
    bot: RunningBot, couple: Couple
) -> None:
    await as_sam(bot, couple, "/timezone me Asia/Tokyo")
    await press_time(bot, couple, "/distance on")
    await press_time(bot, couple, "/nudges 15m")
    prompt = await evening(bot)  # 20:30 in Berlin, 04:30 in Tokyo
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)

    bot.clock.set(EVENING + timedelta(minutes=40))  # 21:10 in Berlin: Sam's night in Tokyo
    await bot.runner.evening.tick()
    await bot.emulator.settle()
    assert not nudges(bot, couple)
    bot.clock.set(EVENING + timedelta(hours=3, minutes=35))  # 08:05 in Tokyo, midnight in Berlin
    await bot.runner.evening.tick()
    await bot.emulator.settle()

    [nudge] = nudges(bot, couple)
    assert nudge.text is not None and nudge.text.startswith("Sam")
    assert "on a call" in nudge.text


async def test_a_partner_sets_and_clears_their_own_zone_in_russian(
    bot: RunningBot, couple: Couple
) -> None:
    chosen = await as_sam(bot, couple, "/timezone я Москва")
    zones = await own_zones(bot)
    cleared = await as_sam(bot, couple, "/timezone я сброс")

    assert "Europe/Moscow" in chosen
    assert zones == {"Alex": None, "Sam": "Europe/Moscow"}
    assert "follow the group's time zone again" in cleared
    assert (await own_zones(bot))["Sam"] is None
