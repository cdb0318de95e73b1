"""Exercise evenings through the emulator: the chosen day, Start → steps → Done, series, /exercises."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Message

from bot.kernel.db.models import Answer, Post
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import couple, evening, now_message, press_time, reply
from tests.kernel.test_buttons import forge
from tests.small_library import EXERCISE, write_library

__all__ = ["couple"]

# EVENING (day 0) is a Monday: day 1 is a Tuesday, day 6 a Sunday.
TUESDAY, SUNDAY = 1, 6
SERIES = [
    {**EXERCISE, "id": f"ex-questions-{n}", "title": f"Questions, part {n}", "series": "questions",
     "part": n, "turn_minutes": None}
    for n in (1, 2)
]  # fmt: skip


@pytest.fixture
async def bot(start_bot: StartBot, tmp_path: Path) -> RunningBot:
    return await start_bot(tick_seconds=3600, exercises_file=write_library(tmp_path))


def buttons(message: Message) -> list[str]:
    markup = message.reply_markup
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row] if markup else []


async def tap(bot: RunningBot, couple: Couple, message: Message, data: str, who: str) -> str:
    """A partner taps a button the message shows; return the bot's answer to the tap."""
    emu = bot.emulator
    mark = emu.mark()
    user = couple.alex if who == "alex" else couple.sam
    query = emu.press_button(couple.chat, user, message.message_id, data)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    return str(emu.answered_callbacks[query].get("text") or "")


async def test_an_exercise_evening_on_the_chosen_day_walks_start_steps_done(
    bot: RunningBot, couple: Couple
) -> None:
    assert "every Tuesday" in await press_time(bot, couple, "/exercises tuesday")
    monday = await evening(bot, 0)
    post = await evening(bot, TUESDAY)

    assert monday is not None and monday.text is not None and monday.text.startswith("💬")
    assert post is not None and post.text is not None
    assert "exercise evening" in post.text and "Listening turns" in post.text
    assert "Take turns: 3 min each" in post.text
    assert buttons(post) == ["exev:step:1"]

    # Either partner may press: they take turns tapping through.
    await tap(bot, couple, post, "exev:step:1", "alex")
    seen = [now_message(bot, couple, post.message_id)]
    for number, who in ((2, "sam"), (3, "alex")):
        await tap(bot, couple, seen[-1], f"exev:step:{number}", who)
        seen.append(now_message(bot, couple, post.message_id))
    answer = await tap(bot, couple, seen[-1], "did", "sam")

    texts = [m.text or "" for m in seen]
    for number, (text, step) in enumerate(zip(texts, EXERCISE["steps"], strict=True), 1):
        assert f"step {number} of 3" in text and step in text
        assert "Take turns: 3 min each" in text
    assert [buttons(m) for m in seen] == [["exev:step:2"], ["exev:step:3"], ["did"]]
    assert "done together" in answer
    done = now_message(bot, couple, post.message_id)
    assert done.text is not None and "Done together" in done.text and done.reply_markup is None
    async with bot.services.transaction() as session:
        stored = await session.scalar(select(Post).where(Post.message_id == post.message_id))
        hows = (await session.scalars(select(Answer.how))).all()
    # Done counts as answered together, recorded as the in-person button is.
    assert stored is not None and stored.kind == "evening" and stored.in_person
    assert stored.together_at is not None and sorted(hows) == ["button", "button"]


async def test_sunday_is_the_default_and_exercises_off_brings_a_question_back(
    bot: RunningBot, couple: Couple
) -> None:
    assert "every Sunday" in await press_time(bot, couple, "/exercises")
    assert "are off" in await press_time(bot, couple, "/exercises off")
    sunday = await evening(bot, SUNDAY)
    assert sunday is not None and (sunday.text or "").startswith("💬")
    for who in ("alex", "sam"):
        await reply(bot, couple, who, sunday)
    assert "every Sunday" in await press_time(bot, couple, "/exercises on")
    assert "every Monday" in await press_time(bot, couple, "/exercises monday")
    monday = await evening(bot, SUNDAY + 1)

    assert monday is not None and "exercise evening" in (monday.text or "")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/exercises someday", "/exercises sunday"),
        ("/exercises mon wed", "pick one day"),
    ],
)
async def test_exercises_with_a_wrong_argument_says_how_to_write_it(
    bot: RunningBot, couple: Couple, command: str, expected: str
) -> None:
    assert expected in await press_time(bot, couple, command)


async def test_a_day_without_an_evening_post_gets_a_word_about_days(
    bot: RunningBot, couple: Couple
) -> None:
    await press_time(bot, couple, "/days weekdays")

    assert "don't include Sunday" in await press_time(bot, couple, "/exercises")


async def test_a_series_comes_part_by_part_on_successive_exercise_evenings(
    start_bot: StartBot, tmp_path: Path
) -> None:
    # Part 2 first in the file: the order comes from ``part``, not from where it is written.
    library = write_library(tmp_path, exercises=[SERIES[1], SERIES[0]])
    bot = await start_bot(tick_seconds=3600, exercises_file=library)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    couple = Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])

    first = await evening(bot, SUNDAY)
    assert first is not None
    for who in ("alex", "sam"):
        await reply(bot, couple, who, first)
    await press_time(bot, couple, "/exercises monday")
    second = await evening(bot, SUNDAY + 1)

    assert first is not None and "Questions, part 1" in (first.text or "")
    assert second is not None and "Questions, part 2" in (second.text or "")


async def test_start_on_an_earlier_exercise_evening_is_answered_kindly_and_changes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    old = await evening(bot, SUNDAY)
    assert old is not None
    await reply(bot, couple, "alex", old)
    newer = await evening(bot, SUNDAY + 1)
    assert newer is not None and (newer.text or "").startswith("💬")
    old = now_message(bot, couple, old.message_id)  # with its status line, Start still there

    answer = await tap(bot, couple, old, "exev:step:1", "alex")

    assert "earlier evening" in answer
    assert now_message(bot, couple, old.message_id).text == old.text


async def test_a_forged_step_is_refused_and_changes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    post = await evening(bot, SUNDAY)
    assert post is not None

    answer = await forge(bot, couple, post, "exev:step:3")

    assert "Nothing changed" in answer
    assert now_message(bot, couple, post.message_id).text == post.text


async def test_a_guest_cannot_change_exercise_evenings(bot: RunningBot, couple: Couple) -> None:
    emu = bot.emulator
    guest = emu.create_user("Kim")
    emu.add_member(couple.chat, guest)

    refused = await bot.ask(couple.chat, guest, "/exercises off")

    assert "every Sunday" in await press_time(bot, couple, "/exercises")
    assert "only the couple in this group" in refused
