"""/timezone through the bot: abbreviations, UTC offsets and city names as couples type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import Message

from bot.kernel.db.models import Chat
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import is_evening_post

# Monday 23 November 2026: 20:30 at UTC-3 is 23:30 UTC.
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    return await start_bot(tick_seconds=3600)


def prompts_in(bot: RunningBot, chat_id: int) -> list[Message]:
    return [m for m in bot.emulator.bot_messages(chat_id) if is_evening_post(m)]


async def zone_of(bot: RunningBot, couple: Couple) -> str:
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None
    return chat.timezone


async def test_an_abbreviation_picks_the_daylight_saving_zone_and_says_which_city(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone EST")

    assert "New York" in answer and "America/New_York" in answer
    assert "daylight saving" in answer
    assert await zone_of(bot, couple) == "America/New_York"


async def test_cet_is_central_europe_with_its_city_named(bot: RunningBot, couple: Couple) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone CET")

    assert "Berlin" in answer
    assert await zone_of(bot, couple) == "Europe/Berlin"


async def test_a_utc_offset_is_kept_fixed_with_a_note_and_a_city_to_send_instead(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone GMT-3")

    assert "UTC-3" in answer
    assert "doesn't follow daylight saving" in answer
    assert "/timezone São Paulo" in answer
    assert await zone_of(bot, couple) == "Etc/GMT+3"
    bot.clock.set(MONDAY + timedelta(hours=19, minutes=30, seconds=1))
    await bot.runner.evening.tick()
    assert prompts_in(bot, couple.chat.id) == []
    bot.clock.set(MONDAY + timedelta(hours=23, minutes=30, seconds=1))
    await bot.runner.evening.tick()
    assert len(prompts_in(bot, couple.chat.id)) == 1


async def test_settings_shows_a_fixed_offset_the_way_couples_write_it(
    bot: RunningBot, couple: Couple
) -> None:
    await bot.ask(couple.chat, couple.alex, "/timezone UTC+3")

    panel = await bot.ask(couple.chat, couple.alex, "/settings")

    assert "Time zone: UTC+3" in panel and "Etc/GMT" not in panel


async def test_a_half_hour_offset_uses_the_zone_that_keeps_it_all_year(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone UTC+5:30")

    assert "UTC+5:30" in answer and "Kolkata" in answer
    assert await zone_of(bot, couple) == "Asia/Kolkata"


async def test_an_offset_no_place_keeps_all_year_is_refused_with_a_city_and_whole_hours(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone UTC-3:30")

    assert "/timezone St. John's" in answer
    assert "/timezone UTC-4" in answer and "/timezone UTC-3" in answer
    assert await zone_of(bot, couple) == "Europe/Berlin"


@pytest.mark.parametrize(
    ("command", "zone"),
    [
        ("/timezone São Paulo", "America/Sao_Paulo"),
        ("/timezone sao paulo", "America/Sao_Paulo"),
        ("/timezone Zürich", "Europe/Zurich"),
        ("/timezone Guadalajara", "America/Mexico_City"),
    ],
)
async def test_a_city_is_found_regardless_of_case_and_accents(
    bot: RunningBot, couple: Couple, command: str, zone: str
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, command)

    assert zone in answer
    assert await zone_of(bot, couple) == zone


async def test_a_misspelt_big_city_gets_a_did_you_mean(bot: RunningBot, couple: Couple) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/timezone Guadalajra")

    assert "Did you mean Guadalajara?" in answer
    assert await zone_of(bot, couple) == "Europe/Berlin"
