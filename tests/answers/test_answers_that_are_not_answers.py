"""Messages that are not answers: a mention the bot sees only as a mention, an old reply."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.kernel.db.models import Answer, Post
from tests.conftest import BOT_USERNAME, Couple, RunningBot
from tests.couple_evening import EVENING, SECRET, evening, now_message


async def answers(bot: RunningBot) -> list[tuple[int, str]]:
    async with bot.services.transaction() as session:
        rows = await session.execute(
            select(Post.message_id, Answer.how).join(Post, Answer.post_id == Post.id)
        )
        return [(message_id, how) for message_id, how in rows]


async def test_a_mention_of_the_bot_is_not_an_answer_when_the_bot_does_not_see_every_message(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    mark = bot.emulator.mark()

    bot.emulator.send_message(couple.chat, couple.sam, f"@{BOT_USERNAME} {SECRET} what is this?")
    await bot.emulator.settle()

    assert await answers(bot) == []
    assert now_message(bot, couple, prompt.message_id).text == prompt.text
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "editMessageText"]


async def test_a_mention_counts_where_the_bot_is_an_admin_and_sees_every_message(
    bot: RunningBot, couple: Couple
) -> None:
    bot.emulator.promote_bot(couple.chat, by=couple.alex)
    await bot.emulator.settle()
    prompt = await evening(bot)
    assert prompt is not None

    bot.emulator.send_message(couple.chat, couple.sam, f"@{BOT_USERNAME} {SECRET} we did it")
    await bot.emulator.settle()

    assert await answers(bot) == [(prompt.message_id, "message")]


async def test_a_reply_to_an_earlier_evenings_prompt_gets_a_kind_word_not_a_count(
    bot: RunningBot, couple: Couple
) -> None:
    monday = await evening(bot)
    tuesday = await evening(bot, day=1)
    assert monday is not None and tuesday is not None
    mark = bot.emulator.mark()

    bot.emulator.send_message(
        couple.chat, couple.alex, f"{SECRET} late", reply_to=monday.message_id
    )
    word = await bot.emulator.wait_for_message(couple.chat.id, since=mark)
    await bot.emulator.settle()

    assert await answers(bot) == []
    assert "earlier evening" in (word.text or "")
    assert word.reply_to_message is not None
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "editMessageText"]


async def test_a_reply_counts_for_its_prompt_until_the_next_evening_prompt(
    bot: RunningBot, couple: Couple
) -> None:
    monday = await evening(bot)
    assert monday is not None
    # The next afternoon, before Tuesday's prompt: Monday's prompt still takes replies.
    bot.clock.set(EVENING + timedelta(hours=19))

    bot.emulator.send_message(
        couple.chat, couple.alex, f"{SECRET} next day", reply_to=monday.message_id
    )
    await bot.emulator.settle()

    assert await answers(bot) == [(monday.message_id, "reply")]
