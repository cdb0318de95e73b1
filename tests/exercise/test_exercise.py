"""/exercise through the emulator: topics, "Another one", "We did this", and the flood limits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from telegram import Message

from bot.features.exercise.rules import MAX_POSTS_PER_WINDOW, MAX_REFRESHES
from bot.kernel.db.models import EntryUse, Post
from bot.kernel.telegram.posts import on_demand_keyboard, with_private_button
from bot.library.schema import Exercise, Mode
from tests.conftest import Couple, RunningBot


async def ask(bot: RunningBot, couple: Couple, command: str = "/exercise") -> Message:
    mark = bot.emulator.mark()
    bot.emulator.send_command(couple.chat, couple.alex, command)
    message = await bot.emulator.wait_for_message(couple.chat.id, since=mark)
    await bot.emulator.settle()  # the post is recorded right after it is sent
    return message


async def press(bot: RunningBot, couple: Couple, message: Message, data: str) -> dict[str, object]:
    """Press a button; return what the bot answered to the press."""
    emu = bot.emulator
    mark = emu.mark()
    query_id = emu.press_button(couple.chat, couple.sam, message.message_id, data)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query_id)
    await emu.settle()
    return emu.answered_callbacks[query_id]


def current(bot: RunningBot, couple: Couple, message: Message) -> Message:
    return next(
        m for m in bot.emulator.bot_messages(couple.chat.id) if m.message_id == message.message_id
    )


async def posts(bot: RunningBot) -> list[Post]:
    async with bot.services.transaction() as session:
        return list((await session.scalars(select(Post).order_by(Post.id))).all())


async def test_exercise_posts_a_prompt_or_guided_exercise_with_its_buttons(
    bot: RunningBot, couple: Couple
) -> None:
    message = await ask(bot, couple)

    assert message.reply_markup is not None
    labels = [b.text for row in message.reply_markup.inline_keyboard for b in row]
    [post] = await posts(bot)
    # The done button's words and place follow the entry's mode.
    entry = bot.services.library.current.get(post.entry_id or "")
    mode = getattr(entry, "mode", None)
    texts = bot.services.texts
    plain = on_demand_keyboard(texts, mode)
    together = isinstance(entry, Exercise) or mode == Mode.DO
    expected = with_private_button(plain, texts, "on", done_together=together)
    assert expected is not None
    assert labels == [b.text for row in expected.inline_keyboard for b in row]
    assert "Another one" in labels and ("Answer privately 🔒" in labels) != together
    assert post.kind == "exercise" and post.message_id == message.message_id
    async with bot.services.transaction() as session:
        used = (await session.scalars(select(EntryUse.entry_id))).all()
    assert used == [post.entry_id]


async def test_exercise_with_a_topic_stays_on_that_topic(bot: RunningBot, couple: Couple) -> None:
    message = await ask(bot, couple, "/exercise dreams")

    assert message.text is not None and "Dreams & future" in message.text
    [post] = await posts(bot)
    assert post.category == "dreams"


async def test_a_topic_can_be_typed_as_its_name(bot: RunningBot, couple: Couple) -> None:
    message = await ask(bot, couple, "/exercise Daily life")

    assert message.text is not None and "Daily life" in message.text


async def test_an_unknown_topic_answers_with_the_list_of_topics(
    bot: RunningBot, couple: Couple
) -> None:
    message = await ask(bot, couple, "/exercise astrology")

    assert message.text is not None
    assert "astrology" in message.text
    for topic in ("appreciation", "memories", "dreams", "closeness", "team"):
        assert topic in message.text
    assert await posts(bot) == []


async def test_another_one_edits_the_post_in_place_with_a_new_pick(
    bot: RunningBot, couple: Couple
) -> None:
    message = await ask(bot, couple, "/exercise fun")
    bot.clock.advance(timedelta(seconds=3))

    await press(bot, couple, message, "ex:another")

    after = current(bot, couple, message)
    assert after.text != message.text
    assert after.text is not None and "Fun & play" in after.text
    assert len(bot.emulator.bot_messages(couple.chat.id)) == 2  # greeting + this post
    [post] = await posts(bot)
    assert post.refreshes == 1


async def test_we_did_this_records_it_and_closes_the_post(bot: RunningBot, couple: Couple) -> None:
    message = await ask(bot, couple)

    answer = await press(bot, couple, message, "ex:done")

    assert "Noted as done together" in str(answer.get("text"))
    after = current(bot, couple, message)
    assert after.text is not None and "Done together" in after.text
    assert after.reply_markup is None
    [post] = await posts(bot)
    assert post.done_at is not None


async def test_ten_quick_presses_edit_one_message_and_get_a_friendly_brake(
    bot: RunningBot, couple: Couple
) -> None:
    message = await ask(bot, couple)
    answers = [await press(bot, couple, message, "ex:another") for _ in range(10)]

    assert len(bot.emulator.bot_messages(couple.chat.id)) == 2
    assert all("give this one a look first" in str(a.get("text")) for a in answers)


async def test_shuffling_one_post_has_a_ceiling(bot: RunningBot, couple: Couple) -> None:
    message = await ask(bot, couple)
    answers = []
    for _ in range(MAX_REFRESHES + 2):
        bot.clock.advance(timedelta(seconds=3))
        answers.append(await press(bot, couple, message, "ex:another"))

    assert "plenty of shuffling" in str(answers[-1].get("text"))
    [post] = await posts(bot)
    assert post.refreshes == MAX_REFRESHES


async def test_many_exercise_commands_in_a_row_get_a_gentle_no(
    bot: RunningBot, couple: Couple
) -> None:
    for _ in range(MAX_POSTS_PER_WINDOW):
        await ask(bot, couple)

    refused = await ask(bot, couple)

    assert refused.text is not None and "a lot of questions in a row" in refused.text
    assert len(await posts(bot)) == MAX_POSTS_PER_WINDOW
    bot.clock.advance(timedelta(minutes=11))
    again = await ask(bot, couple)
    assert again.reply_markup is not None


async def test_a_guest_cannot_press_the_couples_buttons(bot: RunningBot, couple: Couple) -> None:
    emu = bot.emulator
    emu.send_command(couple.chat, couple.sam, "/help")
    await emu.settle()
    message = await ask(bot, couple)
    guest = emu.create_user("Kim")
    emu.add_member(couple.chat, guest)
    mark = emu.mark()

    query_id = emu.press_button(couple.chat, guest, message.message_id, "ex:done")
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query_id)

    assert "for the couple" in str(emu.answered_callbacks[query_id].get("text"))
    [post] = await posts(bot)
    assert post.done_at is None
