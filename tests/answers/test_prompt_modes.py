"""Prompts behave as their kind: a do prompt has Done, talk puts in person first, and the
follow-up question comes only once both have answered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from telegram import Message

from bot.kernel.db.models import Answer, Post
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import evening, now_message, press, reply
from tests.small_library import PROMPT, write_library

PRIVATELY = ("Answer privately 🔒", "privately")  # /private is on by default
DO = {
    **PROMPT,
    "id": "hold-hands",
    "mode": "do",
    "text": "Hold hands for one minute without talking.",
}
TALK = {**PROMPT, "id": "talk-plans", "mode": "talk", "text": "What are you looking forward to?"}
WITH_FOLLOW_UP = {
    **PROMPT,
    "id": "shrink-a-worry",
    "text": "Name one small worry you've been carrying this week.",
    "follow_up": "Did saying it out loud shrink it a bit?",
}


async def couple_with(
    start_bot: StartBot, tmp_path: Path, prompt: dict[str, object]
) -> tuple[RunningBot, Couple]:
    """The bot with a library of this one prompt, and a couple it knows both partners of."""
    library = write_library(tmp_path, prompts=[prompt], exercises=[])
    bot = await start_bot(tick_seconds=3600, exercises_file=library)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    return bot, Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])


def labels(message: Message) -> list[tuple[str, str]]:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup else ()
    return [(b.text, str(b.callback_data)) for row in rows for b in row]


async def test_a_do_prompt_says_do_it_together_and_has_a_done_button(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, DO)
    prompt = await evening(bot)
    assert prompt is not None and prompt.text is not None

    assert "Do this together, then tap “Done”" in prompt.text
    assert "reply to this message" not in prompt.text
    assert labels(prompt) == [("Done ✓", "did")]

    answer = await press(bot, couple, prompt, "did")

    assert "done together" in answer
    after = now_message(bot, couple, prompt.message_id)
    assert after.text is not None and "Done together" in after.text and after.reply_markup is None
    async with bot.services.transaction() as session:
        post = await session.scalar(select(Post))
        hows = (await session.scalars(select(Answer.how))).all()
    # Recorded as the in-person answer is: both partners, by the button, together.
    assert post is not None and post.in_person and post.together_at is not None
    assert sorted(hows) == ["button", "button"]


async def test_a_do_prompt_on_demand_has_done_first_and_done_counts_as_answered_together(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, DO)
    posted = await bot.ask(couple.chat, couple.alex, "/exercise")
    message = bot.emulator.bot_messages(couple.chat.id)[-1]
    await bot.emulator.settle()

    assert "Do this together" in posted
    assert labels(message) == [("Done ✓", "ex:done"), ("Another one", "ex:another")]
    await press(bot, couple, message, "ex:done")
    async with bot.services.transaction() as session:
        post = await session.scalar(select(Post))
    assert post is not None and post.done_at is not None and post.together_at is not None


async def test_a_talk_prompt_puts_the_in_person_button_first(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, TALK)
    prompt = await evening(bot)
    await bot.ask(couple.chat, couple.alex, "/exercise")
    on_demand = bot.emulator.bot_messages(couple.chat.id)[-1]

    assert prompt is not None and "Talk it over together" in (prompt.text or "")
    assert labels(prompt) == [("We talked in person", "inperson"), PRIVATELY]
    assert labels(on_demand) == [
        ("We talked in person", "ex:done"),
        ("Another one", "ex:another"),
        PRIVATELY,
    ]


async def test_a_write_prompt_asks_for_a_written_reply(start_bot: StartBot, tmp_path: Path) -> None:
    bot, _couple = await couple_with(start_bot, tmp_path, {**TALK, "mode": "write"})
    prompt = await evening(bot)

    assert prompt is not None and "write your answer in a reply" in (prompt.text or "")
    assert labels(prompt) == [("We talked in person", "inperson"), PRIVATELY]


async def test_the_follow_up_comes_only_after_both_have_answered(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, WITH_FOLLOW_UP)
    follow_up = str(WITH_FOLLOW_UP["follow_up"])
    prompt = await evening(bot)
    assert prompt is not None

    await reply(bot, couple, "alex", prompt)
    halfway = now_message(bot, couple, prompt.message_id).text or ""
    await reply(bot, couple, "sam", prompt)
    both = now_message(bot, couple, prompt.message_id).text or ""

    assert follow_up not in (prompt.text or "") and follow_up not in halfway
    # Under the status line, once both have answered.
    assert both.index("Alex ✓ · Sam ✓") < both.index(follow_up)


async def test_the_in_person_wording_ranks_no_way_of_answering(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, TALK)
    prompt = await evening(bot)
    assert prompt is not None

    await press(bot, couple, prompt, "inperson")

    after = now_message(bot, couple, prompt.message_id).text or ""
    assert "talked it over in person" in after
    assert "best" not in after.lower()
