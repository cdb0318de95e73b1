"""/stats and the weekly recap as the evenings calendar picture, through the emulator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.features.looking_back.jobs import send_recaps
from bot.kernel.db.models import Run, Suggestion
from bot.kernel.telegram.photos import send_with_picture
from bot.pictures.cache import Pictures
from bot.pictures.calendar import Evening, render
from tests.conftest import Couple, RunningBot, StartBot
from tests.looking_back.test_looking_back import (
    EVENING,
    SUNDAY_RECAP,
    evenings_through,
    recaps,
    seed_history,
    words,
)

THURSDAY = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)  # 22:00 in Berlin
CALENDAR_LINE = "Your last 12 weeks"


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


def broken(*_args: object, **_kwargs: object) -> bytes:
    raise OSError("no pictures today")


async def test_stats_come_as_the_calendar_with_the_figures_under_it_drawn_once_a_day(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await seed_history(bot, couple.chat.id)
    bot.clock.set(THURSDAY)

    mark = emu.mark()
    first = await bot.ask(couple.chat, couple.alex, "/stats")
    call = await emu.wait_for_call("sendPhoto", since=mark, chat_id=couple.chat.id)
    second = await bot.ask(couple.chat, couple.sam, "/stats")

    assert "All time" in first and "answered by you both: 14" in first
    assert CALENDAR_LINE in first and "🟩 answered together: 14" in first
    assert "🟨" not in first and "🔲" not in first  # nothing of a kind: not named at all
    assert str(call.params["caption"]).startswith("<b>Looking back</b>")
    [(caption, png), (_, again)] = emu.photos(couple.chat)
    assert caption == first == second
    assert png.startswith(b"\x89PNG") and len(png) < 80 * 1024
    assert again == png and bot.services.pictures.rendered == 1


async def test_stats_whose_picture_telegram_refuses_go_out_as_words_alone(
    bot: RunningBot, couple: Couple
) -> None:
    await seed_history(bot, couple.chat.id)
    bot.clock.set(THURSDAY)
    bot.emulator.faults.fail("sendPhoto", status=400)

    text = await bot.ask(couple.chat, couple.alex, "/stats")

    assert "All time" in text and CALENDAR_LINE in text
    assert bot.emulator.photos(couple.chat) == []
    [refused] = [c for c in bot.emulator.calls if c.method == "sendPhoto"]
    assert refused.status == 400


async def test_a_recap_whose_picture_cannot_be_drawn_goes_out_as_words_alone(
    bot: RunningBot, couple: Couple
) -> None:
    bot.services.pictures = Pictures(renderer=broken)
    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))

    assert await send_recaps(bot.services, bot.runner.app.bot) == 1

    [recap] = recaps(bot, couple)
    assert recap.text is not None and not recap.photo
    assert "Evenings you both answered: 7" in recap.text and CALENDAR_LINE in recap.text
    assert not [c for c in bot.emulator.calls if c.method == "sendPhoto"]


async def test_on_the_recap_evening_a_quiet_evenings_offer_rides_in_the_recap(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    # Monday to Wednesday answered, Thursday to Saturday quiet: Sunday is an activity evening.
    await evenings_through(bot, couple, 6, answered=3)
    before = emu.bot_messages(couple.chat.id)[-1].message_id
    sunday = emu.mark()
    bot.clock.set(EVENING + timedelta(days=6, seconds=1))
    await bot.runner.evening.tick()  # the evening slot
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()  # the recap, a minute later

    [recap] = recaps(bot, couple)
    posted_sunday = [m for m in emu.bot_messages(couple.chat.id) if m.message_id > before]
    assert posted_sunday == [recap], "one message on the recap evening, not an offer and a recap"
    assert recap.photo and "For tonight" in words(recap) and "Pick one" in words(recap)
    assert "Evenings you both answered: 3" in words(recap)
    assert " of " not in words(recap).split("For tonight")[0]
    assert recap.reply_markup is not None
    buttons = [row[0] for row in recap.reply_markup.inline_keyboard]
    assert buttons[-1].text == "Not now" and len(buttons) >= 2
    await emu.wait_for_call("sendPhoto", since=sunday, chat_id=couple.chat.id)

    pressed = emu.mark()
    emu.press_button(couple.chat, couple.sam, recap.message_id, str(buttons[0].callback_data))
    await emu.wait_for_call("editMessageReplyMarkup", since=pressed)
    reply = await emu.wait_for_message(couple.chat.id, since=pressed)
    await emu.settle()

    after = next(m for m in emu.bot_messages(couple.chat.id) if m.message_id == recap.message_id)
    assert after.reply_markup is None and after.caption == recap.caption  # the recap stays
    assert reply.text is not None and "enjoy it together" in reply.text
    async with bot.services.transaction() as session:
        offer = await session.scalar(select(Suggestion).where(Suggestion.chat_id == couple.chat.id))
        run = await session.scalar(
            select(Run).where(Run.chat_id == couple.chat.id, Run.local_date == date(2026, 11, 29))
        )
    assert offer is not None and offer.message_id == recap.message_id
    assert offer.chosen_id is not None
    assert run is not None and (run.kind, run.reason) == ("activity", "in_recap")


async def test_words_too_long_for_a_caption_go_first_and_the_picture_follows(
    bot: RunningBot, couple: Couple
) -> None:
    png = render([Evening.TOGETHER] * 7)
    long_words = "<b>Looking back</b> " + "warm words " * 100

    message = await send_with_picture(
        bot.runner.app.bot, couple.chat.id, picture=png, text=long_words, short="🗓 In short"
    )

    assert message.text is not None and message.text.startswith("Looking back")
    assert bot.emulator.photos(couple.chat) == [("🗓 In short", png)]
    last = bot.emulator.bot_messages(couple.chat.id)[-1]
    assert last.photo and last.message_id == message.message_id + 1
